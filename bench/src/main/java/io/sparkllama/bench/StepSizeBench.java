package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tunes {@code step_tokens}: the bare engine's packed scoring (two one-thread sessions) of the same
 * rows at each step size, interleaved over rounds after a warm-up, with the load average per round.
 *
 * <p>Usage: {@code StepSizeBench MODEL TOKENIZER TEXT OUT.json ROWS TOKENS ROUNDS STEP...}
 */
public final class StepSizeBench {
    private StepSizeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tokenizer = Path.of(args[1]);
        String text = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8);
        int rows = Integer.parseInt(args[4]);
        int tokens = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);
        int[] steps = new int[args.length - 7];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Integer.parseInt(args[7 + i]);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "bare engine packed scoring, 2 sessions x 1 thread, by step_tokens");
        out.put("created", Instant.now().toString());
        out.put("machine", MachineInfo.describe());
        out.put("rows", rows);
        out.put("tokens_per_row", tokens);
        List<Map<String, Object>> all = new ArrayList<>();
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            List<int[]> ids = ScoreThroughputBench.encode(engine.tokenizer(), ScoreThroughputBench.rows(text, engine.tokenizer(), rows, tokens, 7));
            for (int round = 0; round <= rounds; round++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("round", round == 0 ? "warm-up" : String.valueOf(round));
                r.put("load_average", MachineInfo.loadAverage());
                for (int step : steps) {
                    r.put("step_" + step + "_tok_s", ScoreThroughputBench.engine(engine, ids, step));
                }
                System.out.println(new ObjectMapper().writeValueAsString(r));
                all.add(r);
            }
        }
        out.put("rounds", all);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out);
        System.out.println(json);
        Files.writeString(Path.of(args[3]), json + "\n");
    }
}
