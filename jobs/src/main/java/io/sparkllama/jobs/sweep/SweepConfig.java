package io.sparkllama.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sparkllama.datasets.tasks.TaskCatalog;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.jobs.ConfigTooLargeException;
import io.sparkllama.udfs.ModelLocation;
import io.sparkllama.udfs.TaskThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep file (YAML): models x tasks x the settings grid, where results go, and how much each
 * metric may get worse before a scheduled run fails. Relative paths are resolved against the
 * directory the command runs in. See {@code conf/sweeps/nightly.yaml}. Memory: {@code kv_cache_memory}
 * and {@code model_cache_memory} for the whole sweep (0: the defaults), {@code models[].kv_cache_memory}
 * for one model, {@code settings.kv_cache_type} as a grid axis (it changes the numbers).
 * {@code output} is a local directory or a Hadoop URI (see {@link RemoteOutputMirror}).
 */
public record SweepConfig(Path file, String name, String output, Path datasets, int threads, int partitions,
                          List<SweepModel> models, List<SweepTask> tasks, List<CellSettings> grid,
                          Map<String, Double> tolerances, long kvCacheMemory, long modelCacheMemory) {

    public static SweepConfig read(Path file) {
        JsonNode root;
        try {
            ConfigTooLargeException.check(file, "eval: sweep file");
            root = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new SweepException(file + ": cannot read the sweep file: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SweepException(file + ": expected a YAML mapping with models, tasks, settings");
        }
        String name = text(file, root, "name", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        String output = output(text(file, root, "output", "out/sweeps/" + name));
        Path datasets = localDirectory(file, "datasets", text(file, root, "datasets", "../shared/datasets"));
        int threads = integer(file, root, "threads", TaskThreads.TASK_CPUS); // absent: the task's cores
        int partitions = integer(file, root, "partitions", 2);
        long kvCacheMemory = size(file, root, "kv_cache_memory");
        long modelCacheMemory = size(file, root, "model_cache_memory");

        List<SweepModel> models = new ArrayList<>();
        for (JsonNode m : list(file, root, "models")) {
            String path = required(file, m, "models[].path");
            String wt = m.hasNonNull("weight_type") ? m.get("weight_type").asText() : SweepModel.guessWeightType(path);
            String n = m.hasNonNull("name") ? m.get("name").asText() : Path.of(path).getFileName().toString();
            models.add(new SweepModel(n, path, m.hasNonNull("tokenizer") ? m.get("tokenizer").asText() : null, wt,
                    size(file, m, "models[].kv_cache_memory")));
        }
        List<SweepTask> tasks = new ArrayList<>();
        for (JsonNode t : list(file, root, "tasks")) {
            JsonNode node = t.isTextual() ? new YAMLMapper().createObjectNode().put("name", t.asText()) : t;
            String tn = required(file, node, "tasks[].name");
            String path = node.hasNonNull("path") ? node.get("path").asText() : null;
            String mode = node.hasNonNull("mode") ? node.get("mode").asText() : "llamacpp";
            if (tn.equals("perplexity")) {
                if (path == null) {
                    throw new SweepException(file + ": task perplexity needs a path (a text file)");
                }
                if (!mode.equals("llamacpp") && !mode.equals("rolling")) {
                    throw new SweepException(file + ": task perplexity: mode must be llamacpp or rolling, got '" + mode + "'");
                }
            } else if (!TaskCatalog.LOGLIKELIHOOD.contains(tn) && !TaskCatalog.isGeneration(tn)) {
                throw new SweepException(file + ": unknown task '" + tn + "': use perplexity, " + TaskCatalog.LOGLIKELIHOOD + " or " + TaskCatalog.GENERATION);
            } else if (path == null && TaskCatalog.isGeneration(tn)) {
                throw new SweepException(file + ": task " + tn + " needs a path (JSON lines: id, prompt, answer, stop)");
            }
            tasks.add(new SweepTask(tn, path == null ? TaskCatalog.defaultFile(tn, datasets).toString() : path, tn.equals("perplexity") ? mode : null));
        }
        JsonNode s = root.get("settings");
        List<CellSettings> grid = new ArrayList<>();
        for (JsonNode ctx : values(file, s, "ctx", "512")) {
            for (JsonNode shot : values(file, s, "n_shot", "0")) {
                for (JsonNode limit : values(file, s, "limit", "0")) {
                    for (JsonNode seed : values(file, s, "seed", "1234")) {
                        for (JsonNode shuffle : values(file, s, "shuffle", "false")) {
                            for (JsonNode activations : values(file, s, "activations", "int8")) {
                                for (JsonNode kv : values(file, s, "kv_cache_type", "f32")) {
                                    grid.add(new CellSettings(ctx.asInt(), shot.asInt(), limit.asInt(), seed.asLong(), shuffle.asBoolean(),
                                            activations(file, activations.asText()), kvCacheType(file, kv.asText())));
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<String, Double> tol = new LinkedHashMap<>();
        JsonNode t = root.get("tolerances");
        if (t != null && t.isObject()) {
            t.fields().forEachRemaining(e -> {
                if (!e.getValue().isNumber()) {
                    throw new SweepException(file + ": tolerances." + e.getKey() + " must be a number");
                }
                tol.put(e.getKey(), e.getValue().asDouble());
            });
        }
        return new SweepConfig(file, name, output, datasets, threads, partitions, models, tasks, grid, tol, kvCacheMemory, modelCacheMemory);
    }

    /** The output as given: a Hadoop URI as it is, a local path or {@code file:} URI as a local path. */
    public static String output(String value) {
        ModelLocation at = ModelLocation.of(value);
        return !at.isLocal() ? value : value.startsWith("file:") ? at.localPath().toString() : value;
    }

    /**
     * {@code datasets} is a local directory (a cache of downloaded task files); a Hadoop URI there
     * is refused rather than read as a relative path.
     */
    private static Path localDirectory(Object where, String key, String value) {
        ModelLocation at = ModelLocation.of(value);
        if (!at.isLocal()) {
            throw new SweepException(where + ": " + key + " must be a local directory, got '" + value + "': it caches the"
                    + " catalog's task files on the driver's disk (output, models[].path, models[].tokenizer and tasks[].path may be"
                    + " hdfs:// or s3a:// URIs)");
        }
        return value.startsWith("file:") ? at.localPath() : Path.of(value);
    }

    private static ActivationPrecision activations(Path file, String value) {
        ActivationPrecision p = ActivationPrecision.ofLabel(value);
        if (p == null) {
            throw new SweepException(file + ": settings.activations must be int8 or fp32, got '" + value + "'");
        }
        return p;
    }

    private static KvCacheType kvCacheType(Path file, String value) {
        KvCacheType t = KvCacheType.ofLabel(value);
        if (t == null) {
            throw new SweepException(file + ": settings.kv_cache_type must be f32, f16 or bf16, got '" + value + "'");
        }
        return t;
    }

    /** A size ({@code 512m}, {@code 4g}, bytes) under {@code key} (its last part names the field); 0 when absent. */
    private static long size(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key.substring(key.lastIndexOf('.') + 1));
        if (v == null || v.isNull()) {
            return 0;
        }
        try {
            return KvCacheMemory.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new SweepException(file + ": " + key + " must be a size such as 512m or 4g, got '" + v.asText() + "'");
        }
    }

    private static String text(Path file, JsonNode n, String key, String fallback) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static String required(Path file, JsonNode n, String key) {
        String k = key.substring(key.lastIndexOf('.') + 1);
        JsonNode v = n.get(k);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new SweepException(file + ": " + key + " is required");
        }
        return v.asText();
    }

    private static int integer(Path file, JsonNode n, String key, int fallback) {
        JsonNode v = n.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < 1) {
            throw new SweepException(file + ": " + key + " must be a positive integer, got '" + v.asText() + "'");
        }
        return v.asInt();
    }

    private static List<JsonNode> list(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new SweepException(file + ": '" + key + "' must be a non-empty list");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** A grid axis: a scalar or a list; absent means the default alone. */
    private static List<JsonNode> values(Path file, JsonNode settings, String key, String fallback) {
        JsonNode v = settings == null ? null : settings.get(key);
        List<JsonNode> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            out.add(new YAMLMapper().getNodeFactory().textNode(fallback));
        } else if (v.isArray()) {
            v.forEach(out::add);
        } else {
            out.add(v);
        }
        for (JsonNode x : out) {
            boolean numeric = !key.equals("shuffle") && !key.equals("activations") && !key.equals("kv_cache_type");
            if (numeric && !(x.canConvertToLong() || x.asText().matches("-?\\d+"))) {
                throw new SweepException(file + ": settings." + key + " must be integers, got '" + x.asText() + "'");
            }
        }
        return out;
    }

    /** A sweep file exists and is a file: checked before Spark starts. */
    public static Path checkExists(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new SweepException("eval: sweep file " + p + " does not exist");
        }
        return p;
    }
}
