package io.sparkllama.jobs;

import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.tokencache.TokenCache;
import io.sparkllama.udfs.tokencache.TokenCacheKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Driver side of the token cache: the run's key (input files' sizes and modification times, text
 * column, tokenizer digest, BOS, partition layout) and the accumulators the tasks count into.
 */
final class TokenCacheSetup {
    private TokenCacheSetup() {
    }

    static TokenCache create(String root, JobSpec spec, ModelHandle model, Dataset<Row> input, JavaSparkContext jsc) {
        String key = TokenCacheKey.of(spec.input(), inputFiles(input, jsc.hadoopConfiguration()), spec.textColumn(), tokenizerIdentity(model),
                true, layout(spec.common(), jsc));
        String dir = localDirectory(root).resolve(key).toString();
        return new TokenCache(dir, jsc.sc().longAccumulator(spec.job() + " token cache rows"),
                jsc.sc().longAccumulator(spec.job() + " tokenized rows"), jsc.sc().longAccumulator(spec.job() + " token cache rebuilt files"));
    }

    // Memory-mapped, so local: a plain path or a file: URI (made absolute here, as executors may run elsewhere).
    static Path localDirectory(String root) {
        if (root.startsWith("file:")) {
            return Path.of(URI.create(root)).toAbsolutePath();
        }
        if (root.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new JobConfigException("token_cache must be a local directory (its files are memory-mapped), not " + root);
        }
        return Path.of(root).toAbsolutePath();
    }

    // The driver's sha256 of the tokenizer file, or of every model file when the model carries its tokenizer.
    static String tokenizerIdentity(ModelHandle model) {
        if (model.tokenizerFile() != null) {
            return "tokenizer " + model.tokenizerFile().sha256();
        }
        StringBuilder b = new StringBuilder("model");
        for (ModelFile f : model.files()) {
            b.append(' ').append(f.name()).append('=').append(f.sha256());
        }
        return b.toString();
    }

    private static List<TokenCacheKey.InputFile> inputFiles(Dataset<Row> input, Configuration conf) {
        List<TokenCacheKey.InputFile> out = new ArrayList<>();
        for (String f : input.inputFiles()) {
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(URI.create(f));
                FileStatus s = FileSystem.get(p.toUri(), conf).getFileStatus(p);
                out.add(new TokenCacheKey.InputFile(f, s.getLen(), s.getModificationTime()));
            } catch (IOException e) {
                throw new UncheckedIOException("token cache: cannot stat input file " + f + " (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    // Which rows land in which partition: the cache is per partition index.
    private static String layout(CommonSettings c, JavaSparkContext jsc) {
        return "partitions=" + c.partitions() + " default_parallelism=" + jsc.sc().defaultParallelism() + " balance_by_length="
                + c.balanceByLength() + " input_format=" + c.inputFormat() + " max_partition_bytes="
                + jsc.getConf().get("spark.sql.files.maxPartitionBytes", "default");
    }
}
