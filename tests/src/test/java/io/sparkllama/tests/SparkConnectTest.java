package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions through Spark Connect: a Connect server (with
 * {@code spark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions}) and the JVM Connect client,
 * each in a JVM of its own on 127.0.0.1; the client's rows equal the same query's in a classic session.
 */
@Tag("cluster")
class SparkConnectTest {
    @TempDir
    Path tmp;

    @Test
    void sqlFunctionsThroughSparkConnect() throws Exception {
        String model = TestSpark.requireShared("models/stories260K").toString();
        Path jars = TestSpark.repo().resolve("tests/target/connect-jars");
        Path serverJar = jars.resolve("spark-connect_2.13-4.2.0.jar");
        Path clientJar = jars.resolve("spark-connect-client-jvm_2.13-4.2.0.jar");
        TestSpark.requireBuilt(serverJar); // copied by the build (process-test-resources)
        TestSpark.requireBuilt(clientJar);
        int port = freePort();
        List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));

        List<String> server = new ArrayList<>(javaCommand());
        server.addAll(List.of("-Dspark.master=local[2]", "-Dspark.app.name=spark-llama-connect-test", "-Dspark.ui.enabled=false",
                "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dspark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions",
                "-Dspark.connect.grpc.binding.address=127.0.0.1", "-Dspark.connect.grpc.binding.port=" + port,
                "-cp", serverJar + File.pathSeparator + String.join(File.pathSeparator, classpath),
                "org.apache.spark.sql.connect.service.SparkConnectServer"));
        Path serverLog = tmp.resolve("server.log");
        Process p = start(server, serverLog);
        try {
            awaitPort(port, 180, p, serverLog);
            // The client's classpath: its own jar in place of Spark's SQL, catalyst and core jars.
            List<String> clientCp = new ArrayList<>(List.of(clientJar.toString(), jars.resolve("spark-connect-shims_2.13-4.2.0.jar").toString()));
            classpath.stream().filter(e -> !e.matches(".*/spark-(sql|sql-api|catalyst|core)_2\\.13-.*\\.jar")).forEach(clientCp::add);
            List<String> client = new ArrayList<>(javaCommand());
            client.addAll(List.of("-cp", String.join(File.pathSeparator, clientCp), ConnectClientMain.class.getName(),
                    "sc://127.0.0.1:" + port, model));
            Path clientLog = tmp.resolve("client.log");
            Process c = start(client, clientLog);
            assertTrue(c.waitFor(300, TimeUnit.SECONDS), "the Connect client finished");
            String out = Files.readString(clientLog);
            assertEquals(0, c.exitValue(), out);

            SparkSession spark = TestSpark.session();
            spark.conf().set("spark.llama.model", model);
            List<String> expected = new ArrayList<>();
            ConnectClientMain.lines(spark.sql(ConnectClientMain.GENERATE_SQL).collectAsList()).forEach(l -> expected.add("generate\t" + l));
            ConnectClientMain.lines(spark.sql(ConnectClientMain.CHAT_SQL).collectAsList()).forEach(l -> expected.add("chat\t" + l));
            ConnectClientMain.lines(spark.range(3).selectExpr("id", ConnectClientMain.SCORE_EXPR).orderBy("id").collectAsList())
                    .forEach(l -> expected.add("score\t" + l));
            spark.conf().unset("spark.llama.model");
            List<String> got = out.lines().filter(l -> l.startsWith("generate\t") || l.startsWith("chat\t") || l.startsWith("score\t")).toList();
            assertEquals(expected, got, out);
            assertTrue(got.get(2).contains("\terror=prompt is null\t"), got.get(2)); // then top_logprobs=null
            assertTrue(got.get(3).startsWith("chat\t1\tcompletion=") && got.get(3).contains("\tcompletions=[[0,"), got.get(3));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** This JDK with this test JVM's flags (module flags, heap, log configuration). */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib")).forEach(cmd::add);
        return cmd;
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static void awaitPort(int port, int seconds, Process p, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("the Connect server exited:\n" + Files.readString(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IOException("the Connect server did not listen on " + port + " within " + seconds + " s:\n" + Files.readString(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
