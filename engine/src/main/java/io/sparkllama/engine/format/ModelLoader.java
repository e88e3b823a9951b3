package io.sparkllama.engine.format;

import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.error.ModelMismatchException;
import io.sparkllama.engine.error.ModelNotFoundException;
import io.sparkllama.engine.format.gguf.GgufFile;
import io.sparkllama.engine.format.gguf.GgufModelReader;
import io.sparkllama.engine.format.gguf.GgufTokenizerReader;
import io.sparkllama.engine.format.hf.HfModelReader;
import io.sparkllama.engine.format.llama2c.Llama2cModelReader;
import io.sparkllama.engine.format.meta.MetaCheckpointReader;
import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens a model from a file or directory, detecting its format from the files themselves.
 *
 * <p>A file starting with the GGUF magic is read as GGUF (tokenizer from its metadata unless one
 * is given); a directory holding a {@code .gguf} file is resolved to its largest one. A directory
 * with {@code config.json} and safetensors is a Hugging Face model; a {@code .pth} file, or a
 * directory with {@code params.json} and {@code consolidated.NN.pth}, a Meta checkpoint. A
 * directory holding llama2.c files is resolved to its largest {@code .bin} (the weights) and
 * {@code tokenizer.bin} or {@code tok*.bin} (the tokenizer).
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /**
     * @param model     a model file or directory
     * @param tokenizer a tokenizer file, or null to use the one inside or beside the model
     */
    public static LoadedModel load(Path model, Path tokenizer) {
        Path gguf = Files.isDirectory(model) ? ggufIn(model) : model;
        if (gguf != null && isGguf(gguf)) {
            return loadGguf(gguf, tokenizer);
        }
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        if (HfModelReader.isHfDirectory(dir)) {
            HfModelReader.Result r = HfModelReader.read(dir);
            return withTokenizer(r.config().model(), r.weights(), r.files(), dir, tokenizer, "Hugging Face " + dir.getFileName());
        }
        if (MetaCheckpointReader.isMetaCheckpoint(model)) {
            MetaCheckpointReader.Result r = MetaCheckpointReader.read(model);
            return withTokenizer(r.config(), r.weights(), r.files(), dir, tokenizer, "Meta " + model.getFileName());
        }
        Path weightsFile = Files.isDirectory(model) ? llama2cWeightsIn(model) : model;
        Path tokenizerFile = tokenizer != null ? tokenizer : llama2cTokenizerBeside(weightsFile);
        MappedFile file = MappedFile.open(weightsFile);
        try {
            Llama2cModelReader.Result r = Llama2cModelReader.read(file);
            Tokenizer tok = TokenizerLoader.load(tokenizerFile);
            requireSameVocabulary(r.config().vocabSize(), weightsFile, tok, tokenizerFile);
            return new LoadedModel(r.config(), r.weights(), tok, "llama2.c " + weightsFile.getFileName(), List.of(file));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Completes a model with its tokenizer: the one given, else one found in {@code dir} (or its parent). */
    private static LoadedModel withTokenizer(ModelConfig config, LlamaWeights weights, List<MappedFile> files, Path dir,
                                             Path tokenizer, String description) {
        try {
            Path tokFile = tokenizer != null ? tokenizer : TokenizerLoader.findBeside(dir);
            Tokenizer tok = TokenizerLoader.load(tokFile);
            requireSameVocabulary(config.vocabSize(), dir, tok, tokFile);
            return new LoadedModel(config, weights, tok, description, files);
        } catch (RuntimeException e) {
            files.forEach(MappedFile::close);
            throw e;
        }
    }

    /** A GGUF file: weights and (unless {@code tokenizer} is given) the tokenizer from its metadata. */
    private static LoadedModel loadGguf(Path model, Path tokenizer) {
        MappedFile file = MappedFile.open(model);
        try {
            GgufFile gguf = GgufFile.read(file);
            GgufModelReader.Result r = GgufModelReader.read(gguf);
            Tokenizer tok;
            if (tokenizer != null) {
                tok = TokenizerLoader.load(tokenizer);
                requireSameVocabulary(r.config().vocabSize(), model, tok, tokenizer);
            } else {
                tok = GgufTokenizerReader.read(gguf);
                if (tok.vocabSize() != r.config().vocabSize()) {
                    // Both come from this one file, so it is the file that is inconsistent.
                    throw GgufFormatException.of(model, "tokenizer.ggml.tokens has " + tok.vocabSize()
                            + " tokens but token_embd.weight has a vocabulary of " + r.config().vocabSize());
                }
            }
            return new LoadedModel(r.config(), r.weights(), tok, "GGUF v" + gguf.version() + " " + model.getFileName(), List.of(file));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The largest {@code .gguf} file in {@code dir}, or null when it has none. */
    static Path ggufIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(p))
                    .max(Comparator.comparingLong(ModelLoader::size)).orElse(null);
        } catch (IOException e) {
            throw new ModelNotFoundException(dir + ": cannot list directory (" + e.getMessage() + ")");
        }
    }

    /** Whether {@code file} starts with the GGUF magic. */
    static boolean isGguf(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** The model's vocabulary must be the tokenizer's (Meta's reference asserts the same). */
    public static void requireSameVocabulary(int modelVocab, Path modelFile, Tokenizer tok, Path tokenizerFile) {
        if (tok.vocabSize() != modelVocab) {
            throw new ModelMismatchException("model " + modelFile + " has vocab_size " + modelVocab + " but tokenizer "
                    + tokenizerFile + " has " + tok.vocabSize() + " tokens: they do not belong together (pass the model's own tokenizer with --tokenizer)");
        }
    }

    private static Path llama2cWeightsIn(Path dir) {
        List<Path> bins = binFiles(dir);
        return bins.stream()
                .filter(p -> !isTokenizerName(p))
                .max(Comparator.comparingLong(ModelLoader::size))
                .orElseThrow(() -> new ModelNotFoundException(dir + ": no model file found (expected a llama2.c .bin)"));
    }

    private static Path llama2cTokenizerBeside(Path weights) {
        Path dir = weights.toAbsolutePath().getParent();
        return binFiles(dir).stream()
                .filter(ModelLoader::isTokenizerName)
                .findFirst()
                .orElseThrow(() -> new ModelNotFoundException("no tokenizer beside " + weights
                        + " (expected tokenizer.bin or tok*.bin); pass one with --tokenizer"));
    }

    private static boolean isTokenizerName(Path p) {
        String name = p.getFileName().toString();
        return name.equals("tokenizer.bin") || name.startsWith("tok");
    }

    private static List<Path> binFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().endsWith(".bin") && Files.isRegularFile(p)).sorted().forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new ModelNotFoundException(dir + ": cannot list directory (" + e.getMessage() + ")");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
