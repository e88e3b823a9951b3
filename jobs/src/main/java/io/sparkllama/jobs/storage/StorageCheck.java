package io.sparkllama.jobs.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The driver's probe of a job's paths before anything else touches them: each read path is
 * stat-ed (a glob listed) and the output's nearest existing directory checked for write access,
 * so an unreachable namenode or S3 endpoint, missing or refused credentials, or a permission
 * denied is one {@link StorageAccessException} naming the URI and what to set, before any task.
 * A path that does not exist passes: the input scan and model loader say so in their own words.
 */
public final class StorageCheck {
    private StorageCheck() {
    }

    /**
     * Every path of a job: {@code reads} by role ("input", "model", ...; null values skipped), then the output.
     * Local paths are left to their readers (they have their own checks, and a scheme-less model
     * path is a local file even where the default filesystem is HDFS).
     */
    public static void job(Map<String, String> reads, String output, Configuration conf) {
        for (Map.Entry<String, String> e : reads.entrySet()) {
            if (remote(e.getValue())) {
                readable(e.getKey(), e.getValue(), conf);
            }
        }
        if (remote(output)) {
            writable("output", output, conf);
        }
    }

    private static boolean remote(String uri) {
        if (uri == null) {
            return false;
        }
        String scheme = new Path(uri).toUri().getScheme();
        return scheme != null && scheme.length() > 1 && !scheme.equals("file");
    }

    /** A path the job reads ({@code role}: "input", "model", ...); globs are listed. */
    public static void readable(String role, String uri, Configuration conf) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (isGlob(uri)) {
                fs.globStatus(p);
            } else {
                fs.getFileStatus(p);
            }
        } catch (FileNotFoundException e) {
            // Missing: reported by the reader of that path, with its own advice.
        } catch (IOException | RuntimeException e) {
            throw refused(role, uri, "read", e, conf);
        }
    }

    /** The output: its nearest existing ancestor must be a place this user may write. */
    public static void writable(String role, String uri, Configuration conf) {
        Path p = new Path(uri);
        try {
            FileSystem fs = p.getFileSystem(conf);
            Path existing = p;
            while (existing.getParent() != null && !fs.exists(existing)) {
                existing = existing.getParent();
            }
            fs.access(existing, FsAction.WRITE);
        } catch (FileNotFoundException e) {
            // Removed between the two calls: the output lock reports what it finds.
        } catch (IOException | RuntimeException e) {
            throw refused(role, uri, "write", e, conf);
        }
    }

    private static boolean isGlob(String uri) {
        return uri.indexOf('*') >= 0 || uri.indexOf('?') >= 0 || uri.indexOf('[') >= 0 || uri.indexOf('{') >= 0;
    }

    /** The error for {@code e} met reading or writing {@code uri}, with what to set for its kind. */
    static StorageAccessException refused(String role, String uri, String verb, Throwable e, Configuration conf) {
        String scheme = new Path(uri).toUri().getScheme();
        boolean s3 = scheme != null && scheme.startsWith("s3");
        String detail = firstLine(e);
        if (mentions(e, "No FileSystem for scheme", "S3AFileSystem not found")) {
            return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": no Hadoop filesystem for " + scheme
                    + ":// on the classpath (" + detail + "); add its connector to the job's classpath (for s3a:"
                    + " org.apache.hadoop:hadoop-aws with the AWS SDK S3 client, see docs/storage.md)", e);
        }
        if (s3 && mentions(e, "NoAuthWithAWSException", "NoAwsCredentialsException", "No AWS Credentials", "No AWS credentials",
                "Unable to load credentials")) {
            return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": no S3 credentials were found (" + detail
                    + "); set spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key (or"
                    + " spark.hadoop.fs.s3a.aws.credentials.provider)", e);
        }
        if (isA(e, ConnectException.class, UnknownHostException.class, NoRouteToHostException.class, SocketTimeoutException.class)
                || mentions(e, "ConnectTimeoutException", "Unable to execute HTTP request", "Connection refused")) {
            if (s3) {
                String bucket = new Path(uri).toUri().getHost();
                String endpoint = conf.get("fs.s3a.bucket." + bucket + ".endpoint", conf.get("fs.s3a.endpoint", "(the AWS default)"));
                return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": the S3 endpoint " + endpoint
                        + " does not answer (" + detail + "); set spark.hadoop.fs.s3a.endpoint (or fs.s3a.bucket." + bucket
                        + ".endpoint) to a reachable endpoint (and"
                        + " spark.hadoop.fs.s3a.path.style.access=true for a server other than AWS)", e);
            }
            String authority = new Path(uri).toUri().getAuthority();
            return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": nothing answers at " + scheme + "://"
                    + authority + " (" + detail + "); check the host and port in the URI (or spark.hadoop.fs.defaultFS) and that"
                    + " the " + ("hdfs".equals(scheme) ? "namenode" : "filesystem") + " is running", e);
        }
        if (mentions(e, "AccessControlException", "AccessDeniedException", "Permission denied")) {
            if (s3) {
                return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": the S3 service refused access ("
                        + detail + "); check spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key and the bucket's"
                        + " policy", e);
            }
            return new StorageAccessException("cannot " + verb + " " + role + " " + uri + ": permission denied to user " + user()
                    + " (" + detail + "); grant that user " + verb + " access (hdfs dfs -chmod, -chown or -setfacl) or run the job"
                    + " as a user who has it", e);
        }
        return new StorageAccessException("cannot " + verb + " " + role + " " + uri + " (" + detail + ")", e);
    }

    @SafeVarargs
    private static boolean isA(Throwable e, Class<? extends Throwable>... kinds) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            for (Class<? extends Throwable> k : kinds) {
                if (k.isInstance(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    // By name and message: the S3A and AWS SDK classes are not on the jobs module's classpath.
    private static boolean mentions(Throwable e, String... words) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String text = c.getClass().getName() + ": " + c.getMessage();
            for (String w : words) {
                if (text.contains(w)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String user() {
        try {
            return UserGroupInformation.getCurrentUser().getShortUserName();
        } catch (IOException e) {
            return System.getProperty("user.name");
        }
    }
}
