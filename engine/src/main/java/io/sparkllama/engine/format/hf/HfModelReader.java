package io.sparkllama.engine.format.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.error.SafetensorsFormatException;
import io.sparkllama.engine.error.ModelNotFoundException;
import io.sparkllama.engine.format.JsonConfigFile;
import io.sparkllama.engine.format.LlamaWeightAssembler;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorNames;
import io.sparkllama.engine.format.TensorTable;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.format.safetensors.SafetensorsReader;
import io.sparkllama.engine.model.LlamaWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a Hugging Face Llama directory: {@code config.json} plus {@code model.safetensors} or the
 * shards listed in {@code model.safetensors.index.json}. q/k rows are put back into Meta's
 * interleaved-pair order by a row view, so the mapped weights are used as they are.
 */
public final class HfModelReader {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private HfModelReader() {
    }

    /** The configuration, weights and the mapped files (which the caller closes). */
    public record Result(HfConfig config, LlamaWeights weights, List<MappedFile> files) {
    }

    public static boolean isHfDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG)) && (Files.isRegularFile(dir.resolve(SINGLE)) || Files.isRegularFile(dir.resolve(INDEX)));
    }

    public static Result read(Path dir) {
        HfConfig config = HfConfig.read(dir.resolve(CONFIG));
        List<MappedFile> files = new ArrayList<>();
        try {
            Map<String, TensorView> tensors = new LinkedHashMap<>();
            List<Path> shardFiles = shards(dir);
            for (Path shard : shardFiles) {
                MappedFile f = MappedFile.open(shard);
                files.add(f);
                tensors.putAll(SafetensorsReader.read(f));
            }
            String origin = shardFiles.size() == 1 ? shardFiles.getFirst().toString() : dir.toString();
            TensorTable table = new TensorTable(origin, dir.resolve(CONFIG), tensors, SafetensorsFormatException::new);
            LlamaWeights w = LlamaWeightAssembler.assemble(config.model(), table, TensorNames.HF, true, config.tiedEmbeddings());
            return new Result(config, w, files);
        } catch (RuntimeException e) {
            files.forEach(MappedFile::close);
            throw e;
        }
    }

    private static List<Path> shards(Path dir) {
        if (Files.isRegularFile(dir.resolve(SINGLE))) {
            return List.of(dir.resolve(SINGLE));
        }
        Path index = dir.resolve(INDEX);
        JsonConfigFile f = JsonConfigFile.read(index);
        JsonNode map = f.root().get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelConfigException(index + ": field weight_map is missing");
        }
        TreeSet<String> names = new TreeSet<>();
        Iterator<JsonNode> it = map.elements();
        while (it.hasNext()) {
            JsonNode v = it.next();
            String name = v.asText();
            if (!v.isTextual() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new ModelConfigException(index + ": weight_map entry " + v + " is not a file name in the model directory");
            }
            names.add(name);
        }
        List<Path> out = new ArrayList<>();
        for (String n : names) {
            Path p = dir.resolve(n);
            if (!Files.isRegularFile(p)) {
                throw new ModelNotFoundException(p + ": shard listed in " + index + " is missing");
            }
            out.add(p);
        }
        return out;
    }
}
