package io.sparkllama.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The record of a run stored with its results: {@code _spark_llama.json} beside the Parquet part
 * files (Spark and Parquet readers skip names starting with {@code _}). It holds the job, input,
 * model id, each model file's sha256, the job's resolved settings (sampling included), and the
 * run's counts.
 */
public final class RunMetadata {
    public static final String FILE_NAME = "_spark_llama.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunMetadata() {
    }

    public static Map<String, Object> describe(JobSpec spec, ModelHandle model, JobSummary summary, String sparkMaster) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", spec.job());
        m.put("input", spec.input());
        m.put("output", spec.output());
        m.put("created", Instant.now().toString());
        m.put("spark_master", sparkMaster);
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("id", model.id());
        mm.put("path", JobPaths.recorded(model.model()));
        mm.put("tokenizer", JobPaths.recorded(model.tokenizer()));
        mm.put("transport", model.transport());
        mm.put("context", model.maxContext());
        mm.put("activations", model.activations().label());
        mm.put("files", files(model.allFiles()));
        m.put("model", mm);
        m.put("settings", spec.recorded());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("rows", summary.rows());
        counts.put("error_rows", summary.errors());
        counts.put("input_tokens", summary.inputTokens());
        counts.put("output_tokens", summary.outputTokens());
        counts.put("seconds", summary.seconds());
        if (summary.tokenCache() != null) {
            counts.put("token_cache_rows", summary.tokenCache().cachedRows());
            counts.put("tokenized_rows", summary.tokenCache().tokenizedRows());
            counts.put("token_cache_rebuilt_files", summary.tokenCache().rebuiltFiles());
        }
        m.put("counts", counts);
        return m;
    }

    private static List<Map<String, Object>> files(List<ModelFile> files) {
        return files.stream().map(f -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", f.name());
            e.put("size", f.size());
            e.put("sha256", f.sha256());
            return e;
        }).toList();
    }

    /** Writes the record into the output directory (any Hadoop path). */
    public static void write(String output, Map<String, Object> metadata, Configuration conf) {
        Path p = new Path(output, FILE_NAME);
        try {
            FileSystem fs = p.getFileSystem(conf);
            try (OutputStream out = fs.create(p, true)) {
                JSON.writeValue(out, metadata);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    /** Reads a run's record back (tests, reports). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(String output, Configuration conf) {
        Path p = new Path(output, FILE_NAME);
        try (java.io.InputStream in = p.getFileSystem(conf).open(p)) {
            return JSON.readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
