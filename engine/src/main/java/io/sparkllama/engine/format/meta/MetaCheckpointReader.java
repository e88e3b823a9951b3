package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.ModelNotFoundException;
import io.sparkllama.engine.format.JsonConfigFile;
import io.sparkllama.engine.format.LlamaWeightAssembler;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorNames;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a Meta checkpoint: {@code params.json} and {@code consolidated.NN.pth} (one per
 * model-parallel shard, joined by {@link ShardedTensorSource}), after checking the MD5s of
 * {@code checklist.chk} when it is there. A single {@code .pth}/{@code .pt} file is read with the
 * {@code params.json} beside it, or with the {@code model_args} a llama2.c training checkpoint holds.
 */
public final class MetaCheckpointReader {
    public static final String PARAMS = "params.json";
    public static final String CHECKLIST = "checklist.chk";
    private static final Pattern SHARD_NAME = Pattern.compile("consolidated\\.\\d+\\.pth");

    private MetaCheckpointReader() {
    }

    public record Result(ModelConfig config, LlamaWeights weights, List<MappedFile> files) {
    }

    public static boolean isMetaCheckpoint(Path model) {
        if (Files.isDirectory(model)) {
            return Files.isRegularFile(model.resolve(PARAMS)) && !shardsIn(model).isEmpty();
        }
        String name = model.getFileName().toString();
        return name.endsWith(".pth") || name.endsWith(".pt");
    }

    public static Result read(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        List<Path> shardFiles = Files.isDirectory(model) ? shardsIn(model) : List.of(model);
        if (!Files.isDirectory(model) && SHARD_NAME.matcher(model.getFileName().toString()).matches() && shardsIn(dir).size() > 1) {
            shardFiles = shardsIn(dir);   // one shard of a model-parallel checkpoint stands for all of them
        }
        Path checklist = dir.resolve(CHECKLIST);
        if (Files.isRegularFile(checklist)) {
            Checklist.verify(checklist);
        }
        List<MappedFile> files = new ArrayList<>();
        try {
            List<Map<String, TensorView>> shards = new ArrayList<>();
            Map<?, ?> modelArgs = null;
            for (Path p : shardFiles) {
                MappedFile f = MappedFile.open(p);
                files.add(f);
                TorchCheckpoint.Contents contents = TorchCheckpoint.read(f);
                shards.add(contents.tensors());
                modelArgs = contents.modelArgs();
            }
            TensorView emb = shards.getFirst().get(TensorNames.META.embedding);
            int vocabFromWeights = emb == null || emb.shape().length != 2 ? -1 : (int) emb.shape()[0];
            Path params = dir.resolve(PARAMS);
            JsonConfigFile configFile;
            if (Files.isRegularFile(params)) {
                configFile = JsonConfigFile.read(params);
            } else if (modelArgs != null) {
                configFile = JsonConfigFile.of(Path.of(shardFiles.getFirst() + ":model_args"), modelArgs);
            } else {
                throw new ModelNotFoundException(params + ": no such file; a Meta checkpoint needs its params.json beside it");
            }
            ModelConfig config = MetaParams.read(configFile, vocabFromWeights);
            ShardedTensorSource src = new ShardedTensorSource(shardFiles.size() == 1 ? shardFiles.getFirst().toString() : dir.toString(),
                    configFile.path().toString(), shards);
            LlamaWeights w = LlamaWeightAssembler.assemble(config, src, TensorNames.META, false, true);
            return new Result(config, w, files);
        } catch (RuntimeException e) {
            files.forEach(MappedFile::close);
            throw e;
        }
    }

    /** consolidated.00.pth, consolidated.01.pth, ... in shard order. */
    static List<Path> shardsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SHARD_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new ModelNotFoundException(dir + ": cannot list directory (" + e.getMessage() + ")");
        }
    }
}
