package io.sparkllama.jobs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The driver's storage probe without a cluster: the message for each kind of refusal (HdfsJobsTest and S3JobsTest meet them for real). */
class StorageCheckTest {
    @Test
    void aSchemeWithoutAFilesystemNamesTheConnectorToAdd() {
        StorageAccessException e = assertThrows(StorageAccessException.class,
                () -> StorageCheck.job(Map.of("input", "nosuchfs://bucket/in.jsonl"), "/tmp/out", new Configuration()));
        assertEquals("cannot read input nosuchfs://bucket/in.jsonl: no Hadoop filesystem for nosuchfs:// on the classpath"
                + " (No FileSystem for scheme \"nosuchfs\"); add its connector to the job's classpath (for s3a:"
                + " org.apache.hadoop:hadoop-aws with the AWS SDK S3 client, see docs/storage.md)", e.getMessage());
    }

    @Test
    void eachRefusalSaysWhatToSet() {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.endpoint", "http://10.0.0.9:9000");
        assertEquals("cannot write output hdfs://nn:8020/out: nothing answers at hdfs://nn:8020 (Connection refused);"
                        + " check the host and port in the URI (or spark.hadoop.fs.defaultFS) and that the namenode is running",
                StorageCheck.refused("output", "hdfs://nn:8020/out", "write", new ConnectException("Connection refused"), conf).getMessage());
        assertEquals("cannot read model s3a://b/m: the S3 endpoint http://10.0.0.9:9000 does not answer (Connection refused);"
                        + " set spark.hadoop.fs.s3a.endpoint (or fs.s3a.bucket.b.endpoint) to a reachable endpoint (and"
                        + " spark.hadoop.fs.s3a.path.style.access=true for a server other than AWS)",
                StorageCheck.refused("model", "s3a://b/m", "read", new ConnectException("Connection refused"), conf).getMessage());
        assertEquals("cannot read input s3a://b/in: the S3 service refused access (s3a://b/in: 403 Forbidden); check"
                        + " spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key and the bucket's policy",
                StorageCheck.refused("input", "s3a://b/in", "read", new AccessDeniedException("s3a://b/in: 403 Forbidden"), conf).getMessage());
    }
}
