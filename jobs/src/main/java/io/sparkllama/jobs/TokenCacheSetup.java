package io.sparkllama.jobs;

import io.sparkllama.datasets.scan.InputScan;
import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.tokencache.TokenCache;
import io.sparkllama.udfs.tokencache.TokenCacheKey;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Driver side of the token cache: the run's key (each input file's sha256 from the driver's scan,
 * text column, tokenizer digest, BOS, partition layout) and the accumulators the tasks count into.
 */
final class TokenCacheSetup {
    private TokenCacheSetup() {
    }

    static TokenCache create(String root, JobSpec spec, ModelHandle model, InputScan.Result scanned, JavaSparkContext jsc) {
        List<TokenCacheKey.InputFile> files = scanned.files().stream()
                .map(f -> new TokenCacheKey.InputFile(f.uri(), f.size(), f.sha256())).toList();
        String key = TokenCacheKey.of(spec.input(), files, spec.textColumn(), tokenizerIdentity(model),
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

    // Which rows land in which partition: the cache is per partition index.
    private static String layout(CommonSettings c, JavaSparkContext jsc) {
        return "partitions=" + c.partitions() + " default_parallelism=" + jsc.sc().defaultParallelism() + " balance_by_length="
                + c.balanceByLength() + " input_format=" + c.inputFormat() + " max_partition_bytes="
                + jsc.getConf().get("spark.sql.files.maxPartitionBytes", "default");
    }
}
