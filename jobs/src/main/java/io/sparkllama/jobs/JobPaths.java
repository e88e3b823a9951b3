package io.sparkllama.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A job's paths made absolute on the driver before anything reads them, so that executors (whose
 * working directories differ) and the run record see the same place. Under
 * {@code --deploy-mode cluster} the driver itself runs on a cluster node, where a relative path
 * names another place than where the job was submitted: there relative paths are refused.
 */
final class JobPaths {
    private JobPaths() {
    }

    /** The spec with input, output and token cache as qualified URIs, model and tokenizer as absolute paths. */
    static JobSpec absolute(JobSpec spec, String deployMode, Configuration conf) {
        boolean cluster = "cluster".equals(deployMode);
        return spec.withPaths(uri("--input", spec.input(), cluster, conf), uri("--output", spec.output(), cluster, conf),
                local("--model", spec.model(), cluster), local("--tokenizer", spec.tokenizer(), cluster),
                uri("token_cache", spec.tokenCache(), cluster, conf));
    }

    /** A Hadoop path qualified against the default filesystem and working directory (file:/..., hdfs://...). */
    static String uri(String what, String given, boolean cluster, Configuration conf) {
        if (given == null) {
            return null;
        }
        refuseRelative(what, given, cluster);
        if (hasScheme(given)) {
            return given; // a URI is absolute already; its filesystem is reached when it is read
        }
        Path p = new Path(given);
        try {
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + what + " " + given + " (" + e.getMessage() + ")", e);
        }
    }

    // Model paths without a scheme are local files to the model loader (mapped in place), so they stay paths.
    private static String local(String what, String given, boolean cluster) {
        if (given == null || hasScheme(given)) {
            return given;
        }
        refuseRelative(what, given, cluster);
        return java.nio.file.Path.of(given).toAbsolutePath().normalize().toString();
    }

    private static void refuseRelative(String what, String given, boolean cluster) {
        if (cluster && !hasScheme(given) && !given.startsWith("/")) {
            throw new JobConfigException(what + " " + given + " is a relative path, and under --deploy-mode cluster the driver"
                    + " runs on a cluster node, where it would name another place than where you submitted the job: give an"
                    + " absolute path or a URI (/data/x.jsonl, hdfs://..., s3a://...)");
        }
    }

    private static boolean hasScheme(String s) {
        try {
            return URI.create(s).getScheme() != null && s.indexOf(':') > 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A path as an absolute URI for the run record: URIs as given, local paths as file: URIs. */
    static String recorded(String given) {
        return given == null || hasScheme(given) ? given : java.nio.file.Path.of(given).toAbsolutePath().normalize().toUri().toString();
    }
}
