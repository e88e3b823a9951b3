package io.sparkllama.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token cache's tokenizer identity follows the tokenizer's digest; its directory must be local. */
class TokenCacheSetupTest {
    private static ModelHandle handle(String modelSha, ModelFile tokenizer) {
        return new ModelHandle("/m", tokenizer == null ? null : tokenizer.source(), 0, io.sparkllama.engine.Engine.DEFAULT_PRECISION, "path", true,
                List.of(new ModelFile("/m/model.bin", "model.bin", 10, modelSha)), tokenizer, List.of());
    }

    @Test
    void anotherTokenizerFileIsAnotherIdentity() {
        String a = TokenCacheSetup.tokenizerIdentity(handle("m1", new ModelFile("/t/tok.bin", "tok.bin", 5, "t1")));
        String b = TokenCacheSetup.tokenizerIdentity(handle("m1", new ModelFile("/t/tok.bin", "tok.bin", 5, "t2")));
        assertNotEquals(a, b);
        assertEquals(a, TokenCacheSetup.tokenizerIdentity(handle("m2", new ModelFile("/t/tok.bin", "tok.bin", 5, "t1"))),
                "an explicit tokenizer alone decides the ids");
        // A model that carries its tokenizer: every model file's digest stands in for it.
        assertNotEquals(TokenCacheSetup.tokenizerIdentity(handle("m1", null)), TokenCacheSetup.tokenizerIdentity(handle("m2", null)));
    }

    @Test
    void theDirectoryIsLocal() {
        assertEquals(Path.of("/tmp/tc"), TokenCacheSetup.localDirectory("file:///tmp/tc"));
        assertTrue(TokenCacheSetup.localDirectory("rel/dir").isAbsolute());
        JobConfigException e = assertThrows(JobConfigException.class, () -> TokenCacheSetup.localDirectory("hdfs://nn/tc"));
        assertTrue(e.getMessage().contains("hdfs://nn/tc"), e.getMessage());
    }
}
