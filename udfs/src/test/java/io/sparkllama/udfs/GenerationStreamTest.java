package io.sparkllama.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A partition streamed through one running batch: rows out in input order, never more than the
 * reorder window pulled ahead, and every row's tokens and logprobs bitwise what it gets alone,
 * whatever the batch size, window and arrival order; error rows keep their place.
 */
class GenerationStreamTest {
    /** Rows (id, prompt, max_tokens, seed): short and long completions mixed, as in the throughput benchmark. */
    private static List<Row> rows() {
        SplittableRandom rnd = new SplittableRandom(3);
        String[] openings = {"Once upon a time", "Tom had a dog", "The little fish", "Lily said", "Mia found a shiny stone"};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String prompt = i == 13 ? "" : openings[i % openings.length] + " " + "and then ".repeat(rnd.nextInt(4));
            rows.add(RowFactory.create((long) i, prompt, i % 5 == 0 ? 60 : 1 + rnd.nextInt(8), 100L + i));
        }
        return rows;
    }

    private static GenerationStream.RowCodec codec(Engine engine) {
        return new GenerationStream.RowCodec() {
            @Override
            public GenerationRequest request(Row in) {
                String prompt = in.getString(1);
                if (prompt.isEmpty()) {
                    throw new InvalidRequestException("prompt is empty");
                }
                return new GenerationRequest(engine.tokenizer().encode(prompt, true), in.getInt(2),
                        new SamplingParams(0.9f, 0, 1f, in.getLong(3)));
            }

            @Override
            public Row completed(Row in, GenerationResult r) {
                return RowFactory.create(in.getLong(0), r.tokens(), r.logprobs(), null);
            }

            @Override
            public Row failed(Row in, InvalidRequestException e) {
                return RowFactory.create(in.getLong(0), null, null, e.getMessage());
            }
        };
    }

    @Test
    void inputOrderWithinTheWindowAndTheSameBitsWhateverTheBatch() {
        Path shared = Path.of(System.getProperty("spark.llama.shared", "../../shared"));
        Path bin = shared.resolve("models/stories260K/stories260K.bin");
        Assumptions.assumeTrue(Files.exists(bin), "needs ../shared/models/stories260K");
        try (Engine engine = Engine.open(bin, shared.resolve("models/stories260K/tok512.bin"), 0);
             InferenceSession session = engine.newSession(2)) {
            GenerationStream.RowCodec codec = codec(engine);
            List<Row> input = rows();
            List<GenerationResult> alone = new ArrayList<>();
            for (Row in : input) {
                alone.add(in.getString(1).isEmpty() ? null : session.generate(codec.request(in)));
            }
            int[][] shapes = {{1, 1}, {3, 3}, {4, 6}, {8, 64}};
            for (boolean reversed : new boolean[] {false, true}) {
                List<Row> order = reversed ? input.reversed() : input;
                for (int[] shape : shapes) {
                    int batch = shape[0];
                    int window = shape[1];
                    String what = "batch " + batch + " window " + window + (reversed ? " reversed" : "");
                    int[] pulled = {0};
                    Iterator<Row> counted = new Iterator<>() {
                        private final Iterator<Row> in = order.iterator();

                        @Override
                        public boolean hasNext() {
                            return in.hasNext();
                        }

                        @Override
                        public Row next() {
                            pulled[0]++;
                            return in.next();
                        }
                    };
                    boolean[] closed = {false};
                    GenerationStream stream = new GenerationStream(counted, session.batchGenerator(batch), window, codec, () -> closed[0] = true);
                    int emitted = 0;
                    while (stream.hasNext()) {
                        Row out = stream.next();
                        assertTrue(pulled[0] - emitted <= window, what + ": " + pulled[0] + " rows pulled for " + emitted + " emitted");
                        Row in = order.get(emitted++);
                        assertEquals(in.getLong(0), out.getLong(0), what + ": output in input order");
                        GenerationResult expected = alone.get((int) in.getLong(0));
                        if (expected == null) {
                            assertEquals("prompt is empty", out.getString(3), what);
                            continue;
                        }
                        assertNull(out.get(3), what);
                        assertArrayEquals(expected.tokens(), (int[]) out.get(1), what + " row " + in.getLong(0));
                        float[] logprobs = (float[]) out.get(2);
                        for (int t = 0; t < logprobs.length; t++) {
                            assertEquals(Float.floatToRawIntBits(expected.logprobs()[t]), Float.floatToRawIntBits(logprobs[t]),
                                    what + " row " + in.getLong(0) + " logprob " + t);
                        }
                    }
                    assertEquals(input.size(), emitted, what + ": one row out per row in");
                    assertTrue(closed[0], what + ": the end callback ran");
                    assertEquals(session.kvPool().capacityBlocks(), session.kvPool().freeBlocks(), what + ": every KV block back");
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> new GenerationStream(input.iterator(), session.batchGenerator(4), 3, codec, () -> { }));
        }
    }
}
