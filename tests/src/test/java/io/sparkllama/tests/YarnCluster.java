package io.sparkllama.tests;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A MiniYARNCluster (ResourceManager and one NodeManager) in the test JVM over an {@link HdfsCluster},
 * sized for a 2-core machine, with the client configuration a {@code spark-submit --master yarn}
 * reads from {@code HADOOP_CONF_DIR} and a directory of the Spark jars its containers run from.
 */
final class YarnCluster implements AutoCloseable {
    private final MiniYARNCluster yarn;
    private final Path confDir;
    private final Path jars;

    private YarnCluster(MiniYARNCluster yarn, Path confDir, Path jars) {
        this.yarn = yarn;
        this.confDir = confDir;
        this.jars = jars;
    }

    /** Starts YARN with {@code hdfs} as the default filesystem (where Spark stages the application jar). */
    static YarnCluster start(Path dir, HdfsCluster hdfs) throws IOException {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs.uri("/"));
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        // Small containers on a 2-core, 24 GiB machine: memory is what the JVMs ask for; vcores are
        // counted (the default resource calculator schedules by memory only) but never enforced.
        conf.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
        conf.setInt(YarnConfiguration.NM_VCORES, 8);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 2048);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, 8);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_ENABLE_HARDWARE_CAPABILITY_DETECTION, false);
        // A nearly full shared disk must not mark the only NodeManager unhealthy.
        conf.setBoolean("yarn.nodemanager.disk-health-checker.enable", false);
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        // The CapacityScheduler's one queue (no capacity-scheduler.xml on the classpath); the AM may take half of it.
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
        conf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
        // Keep finished containers' logs where the test reads them.
        conf.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
        MiniYARNCluster yarn = new MiniYARNCluster("spark-llama-yarn", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        awaitResourceManagerAddress(yarn);

        Path confDir = Files.createDirectories(dir.resolve("hadoop-conf"));
        try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(out);
        }
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs.uri("/"));
        try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        return new YarnCluster(yarn, confDir, sparkJars(Files.createDirectories(dir.resolve("spark-jars"))));
    }

    /** The ResourceManager publishes its bound port in the config shortly after start() returns. */
    private static void awaitResourceManagerAddress(MiniYARNCluster yarn) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the MiniYARNCluster's ResourceManager published no address within 60 s");
            }
            sleep(100);
        }
    }

    /**
     * Links Spark's runtime jars from the test classpath into one directory that containers use in
     * place (spark.yarn.jars=local:...), so nothing is uploaded per run. Our own classes reach the
     * containers in the application jar; the minicluster's server classes stay out.
     */
    private static Path sparkJars(Path jars) throws IOException {
        Path repo = TestSpark.repo();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            String name = p.getFileName().toString();
            if (name.endsWith(".jar") && !p.startsWith(repo) && !name.startsWith("hadoop-client-minicluster") && Files.exists(p)
                    && !Files.exists(jars.resolve(name))) {
                Files.createSymbolicLink(jars.resolve(name), p);
            }
        }
        return jars;
    }

    /** Spark conf that runs an application's containers from the linked jars with this JVM's Java. */
    Map<String, String> sparkConf() {
        String javaHome = System.getProperty("java.home");
        return Map.of("spark.yarn.jars", "local:" + jars + "/*",
                "spark.yarn.appMasterEnv.JAVA_HOME", javaHome, "spark.executorEnv.JAVA_HOME", javaHome,
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP", "127.0.0.1", "spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** The client configuration (yarn-site.xml, core-site.xml): first on SparkSubmit's classpath, as spark-submit puts HADOOP_CONF_DIR. */
    Path confDir() {
        return confDir;
    }

    /** Environment for {@code SparkSubmit --master yarn}: where it finds the ResourceManager and HDFS. */
    Map<String, String> environment() {
        return Map.of("HADOOP_CONF_DIR", confDir.toString(), "YARN_CONF_DIR", confDir.toString(), "SPARK_LOCAL_IP", "127.0.0.1",
                "JAVA_HOME", System.getProperty("java.home"));
    }

    /** What the ResourceManager knows, for a failure message: each node's state and health, each application's state and diagnostics. */
    String report() {
        StringBuilder b = new StringBuilder("YARN:");
        var rm = yarn.getResourceManager().getRMContext();
        rm.getRMNodes().values().forEach(n -> b.append("\n  node ").append(n.getNodeID()).append(' ').append(n.getState())
                .append(' ').append(n.getTotalCapability()).append(' ').append(n.getHealthReport()));
        rm.getRMApps().values().forEach(a -> b.append("\n  app ").append(a.getApplicationId()).append(' ').append(a.getState())
                .append(' ').append(a.getDiagnostics()));
        return b.toString();
    }

    /** Every container's stderr file under the NodeManager's log dirs. */
    List<Path> containerLogs() throws IOException {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(yarn.getTestWorkDir().toPath())) {
            s.filter(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("container_")).forEach(logs::add);
        }
        return logs;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        yarn.stop();
    }
}
