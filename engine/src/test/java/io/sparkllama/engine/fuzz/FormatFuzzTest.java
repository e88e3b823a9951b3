package io.sparkllama.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.CheckpointFormatException;
import io.sparkllama.engine.error.GgufFormatException;
import io.sparkllama.engine.error.Llama2cFormatException;
import io.sparkllama.engine.error.ModelConfigException;
import io.sparkllama.engine.error.SafetensorsFormatException;
import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.error.UnsupportedTensorTypeException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware fuzzing of every model and tokenizer format, end to end: each mutant (header
 * fields set to 0, -1, 2^31, 2^63 and neighbours, JSON values replaced or removed, byte flips,
 * truncations, non-finite first weights) is opened with {@code Engine.open} and scores a short
 * text. It must either be refused with its format's exception naming the file, or load and give
 * finite logprobs: no other exception, no hang, no NaN. A configuration that contradicts its
 * tensors may be refused with the tensor file's exception, which names the configuration too; a
 * model and tokenizer of different vocabularies with {@code ModelMismatchException}, naming both.
 *
 * <p>CI runs {@value #CI_MUTANTS} seeded mutants per format; the long run sets
 * {@code -Dspark.llama.fuzz.mutants=10000} (Maven profile {@code fuzz} of the engine module).
 */
class FormatFuzzTest {
    private static final int CI_MUTANTS = 150;
    private static final int MUTANTS = Integer.getInteger("spark.llama.fuzz.mutants", CI_MUTANTS);
    private static final long TIMEOUT_S = Long.getLong("spark.llama.fuzz.timeout_s", 30);
    private static final Path TOK512 = Path.of("models/stories260K/tok512.bin");

    @TempDir
    Path tmp;

    private static byte[] shared(String relative) throws IOException {
        return Files.readAllBytes(SharedFiles.require(relative));
    }

    /** A fixture directory holding copies of {@code files} (shared paths), named by their last component. */
    private Path fixture(String name, String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fixture-" + name));
        for (String f : files) {
            Path src = SharedFiles.require(f);
            Files.copy(src, dir.resolve(src.getFileName()));
        }
        return dir;
    }

    private static Path tok512() {
        return SharedFiles.require(TOK512.toString());
    }

    @Test
    void gguf() throws IOException {
        String[] files = {"f32", "q8_0", "q4_0"};
        FieldMutator[] mutators = new FieldMutator[files.length];
        byte[] first = null;
        for (int i = 0; i < files.length; i++) {
            byte[] b = shared("models/stories260K-h192/gguf/stories260K-h192-" + files[i] + ".gguf");
            GgufFieldMap map = GgufFieldMap.of(b);
            mutators[i] = new FieldMutator(b, map.fields(), map.headerEnd());
            first = first == null ? b : first;
        }
        fuzz(new FuzzTarget("gguf", fixture("gguf"), "model.gguf", first,
                seed -> mutators[(int) (seed % files.length)].mutate(seed), "model.gguf", null,
                List.of(GgufFormatException.class, UnsupportedTensorTypeException.class, TokenizerFormatException.class)));
    }

    @Test
    void safetensors() throws IOException {
        byte[] file = shared("models/stories260K/hf/model.safetensors");
        SafetensorsMutator m = new SafetensorsMutator(file);
        fuzz(new FuzzTarget("safetensors", fixture("safetensors", "models/stories260K/hf/config.json"), "model.safetensors", file,
                m::mutate, ".", tok512(), List.of(SafetensorsFormatException.class)));
    }

    @Test
    void configJson() throws IOException {
        byte[] file = shared("models/stories260K/hf/config.json");
        JsonMutator m = new JsonMutator(file);
        fuzz(new FuzzTarget("config.json", fixture("config", "models/stories260K/hf/model.safetensors"), "config.json", file,
                m::mutate, ".", tok512(), List.of(ModelConfigException.class, SafetensorsFormatException.class)));
    }

    @Test
    void metaCheckpoint() throws IOException {
        byte[] file = shared("models/stories260K/meta/consolidated.00.pth");
        ZipFieldMap map = ZipFieldMap.of(file);
        FieldMutator m = new FieldMutator(file, map.fields(), map.firstEntryEnd());
        fuzz(new FuzzTarget("meta .pth", fixture("pth", "models/stories260K/meta/params.json"), "consolidated.00.pth", file,
                m::mutate, ".", tok512(), List.of(CheckpointFormatException.class)));
    }

    @Test
    void paramsJson() throws IOException {
        byte[] file = shared("models/stories260K/meta/params.json");
        JsonMutator m = new JsonMutator(file);
        fuzz(new FuzzTarget("params.json", fixture("params", "models/stories260K/meta/consolidated.00.pth"), "params.json", file,
                m::mutate, ".", tok512(), List.of(ModelConfigException.class, CheckpointFormatException.class)));
    }

    @Test
    void llama2cModel() throws IOException {
        byte[] file = shared("models/stories260K/stories260K.bin");
        FieldMutator m = new FieldMutator(file, Llama2cFieldMap.model(file), 28);
        fuzz(new FuzzTarget("llama2.c model.bin", fixture("bin"), "model.bin", file, m::mutate, "model.bin", tok512(),
                List.of(Llama2cFormatException.class)));
    }

    @Test
    void llama2cTokenizer() throws IOException {
        byte[] file = shared("models/stories260K/tok512.bin");
        FieldMutator m = new FieldMutator(file, Llama2cFieldMap.tokenizer(file), file.length);
        fuzz(new FuzzTarget("tokenizer.bin", fixture("tokbin", "models/stories260K/stories260K.bin"), "tokenizer.bin", file,
                m::mutate, "stories260K.bin", Path.of("tokenizer.bin"), List.of(TokenizerFormatException.class)));
    }

    @Test
    void sentencePieceModel() throws IOException {
        byte[] file = shared("models/llama2-tokenizer/tokenizer.model");
        // The first pieces and the trainer/normalizer specs at the end hold every message kind.
        Mutator head = new Mutator(file, 0, 2000);
        Mutator tail = new Mutator(file, file.length - 2000, file.length);
        fuzz(new FuzzTarget("tokenizer.model (SentencePiece)", fixture("spm", "models/tiny-random-llama2/llama-2-tiny-random.gguf"),
                "tokenizer.model", file, seed -> (seed % 2 == 0 ? head : tail).mutate(seed).toArray(ValueLayout.JAVA_BYTE),
                "llama-2-tiny-random.gguf", Path.of("tokenizer.model"), List.of(TokenizerFormatException.class)));
    }

    @Test
    void tiktokenModel() throws IOException {
        byte[] file = shared("models/llama3-tokenizer/tokenizer.model");
        // Edits land in the first 4000 ranks (short base64 lines); truncations anywhere. Fewer mutants:
        // each parses 128000 ranks and loads a 128256-token model.
        Mutator m = new Mutator(file, 0, 40_000);
        fuzz(new FuzzTarget("tokenizer.model (tiktoken)", fixture("tiktoken", "models/tiny-random-llama3/meta/consolidated.00.pth",
                "models/tiny-random-llama3/meta/params.json"), "tokenizer.model", file, seed -> m.mutate(seed).toArray(ValueLayout.JAVA_BYTE),
                ".", Path.of("tokenizer.model"), List.of(TokenizerFormatException.class)), Math.max(1, MUTANTS / 4));
    }

    @Test
    void tokenizerJson() throws IOException {
        byte[] file = ByteLevelTokenizerJson.withVocab(512).getBytes(StandardCharsets.UTF_8);
        JsonMutator m = new JsonMutator(file);
        fuzz(new FuzzTarget("tokenizer.json", fixture("tokjson", "models/stories260K/stories260K.bin"), "tokenizer.json", file,
                m::mutate, "stories260K.bin", Path.of("tokenizer.json"), List.of(TokenizerFormatException.class)));
    }

    private void fuzz(FuzzTarget t) throws IOException {
        fuzz(t, MUTANTS);
    }

    /** Runs the original and {@code mutants} mutants of {@code t}; every one must be served or refused properly. */
    private void fuzz(FuzzTarget t, int mutants) throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (MutantRunner runner = new MutantRunner(work, TIMEOUT_S)) {
            FuzzTarget unmodified = new FuzzTarget(t.name(), t.fixture(), t.mutated(), t.original(), seed -> t.original(),
                    t.model(), t.tokenizer(), t.refusals());
            MutantRunner.Result base = runner.run(unmodified, -1);
            assertEquals(MutantOutcome.SERVED, base.outcome(), t.name() + " unmodified: " + base.detail());
            FuzzTally tally = new FuzzTally(t.name());
            for (long seed = 0; seed < mutants; seed++) {
                long t0 = System.nanoTime();
                MutantRunner.Result r = runner.run(t, seed);
                tally.add(seed, r, (System.nanoTime() - t0) / 1_000_000);
            }
            report(tally);
            assertEquals(mutants, tally.total(), t.name() + ": every mutant has an outcome");
            assertEquals(0, tally.failing(), t.name() + ": " + tally.json() + "\n" + String.join("\n", tally.failures()));
            // The original was served above; refusals show the mutations reach the checks.
            assertTrue(tally.count(MutantOutcome.REFUSED) > 0, tally.json());
        }
    }

    private static void report(FuzzTally tally) throws IOException {
        System.out.println("fuzz " + tally.json());
        tally.failures().forEach(f -> System.out.println("  " + f));
        String file = System.getProperty("spark.llama.fuzz.report");
        if (file != null) {
            Files.writeString(Path.of(file), tally.json() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
