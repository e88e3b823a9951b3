package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.LogitBias;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.udfs.GenerateOptions;
import io.sparkllama.udfs.SparkValues;
import io.sparkllama.udfs.TaskKvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Completions for a micro-batch of prompts through the engine's continuous batching, with the
 * generate job's defaults and engine calls, so that a row gets the job's very tokens and logprobs.
 */
final class GenerateInference implements BatchInference {
    private final Engine engine;
    private final InferenceSession session;
    private final LlamaSettings settings;
    private final int batchSize;

    GenerateInference(Engine engine, LlamaSettings settings, int threads) {
        this.engine = engine;
        this.settings = settings;
        this.batchSize = LlamaTask.batchSize(settings);
        this.session = TaskKvCache.open(engine, threads, LlamaTask.kvCacheMemory(settings), LlamaTask.kvCacheType(settings));
    }

    @Override
    public List<Row> run(List<InferenceInput> inputs) {
        Row[] out = new Row[inputs.size()];
        List<GenerationRequest> requests = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            try {
                GenerationRequest request = request(inputs.get(i));
                session.check(request); // a bad row (over the context or the KV budget) must not fail the batch
                requests.add(request);
                slots.add(i);
            } catch (InvalidRequestException e) {
                out[i] = RowFactory.create(null, null, null, null, null, e.getMessage());
            }
        }
        List<GenerationResult> results = requests.isEmpty() ? List.of() : session.generateAll(requests, batchSize);
        for (int k = 0; k < requests.size(); k++) {
            GenerationResult r = results.get(k);
            out[slots.get(k)] = RowFactory.create(r.text(), requests.get(k).promptTokens().length, SparkValues.boxed(r.tokens()),
                    SparkValues.boxed(r.logprobs()), r.finishReason().label(), null);
        }
        return Arrays.asList(out);
    }

    private GenerationRequest request(InferenceInput in) {
        String prompt = in.texts()[0];
        if (prompt == null || prompt.isEmpty()) {
            throw new InvalidRequestException(prompt == null ? "prompt is null" : "prompt is empty");
        }
        LlamaSettings s = settings.with(in.settings(), LlamaTask.GENERATE.rowSettings());
        return new GenerationRequest(engine.tokenizer().encode(prompt, true), s.integer("max_tokens", 128, 0), sampling(s), new int[0], stop(s));
    }

    /** The sampling settings with the generate job's defaults (GenerateJob.Config); {@code logit_bias} is JSON text. */
    static SamplingParams sampling(LlamaSettings s) {
        String bias = s.string("logit_bias", null);
        return new SamplingParams(s.number("temperature", 0f), s.integer("top_k", 0, 0), s.number("top_p", 1f), s.longValue("seed", 42L),
                s.number("min_p", 0f), s.number("repetition_penalty", 1f), s.number("frequency_penalty", 0f),
                s.number("presence_penalty", 0f), bias == null ? LogitBias.NONE : LogitBias.of(GenerateOptions.parseLogitBias(bias)));
    }

    /** {@code stop} as JSON text, e.g. {@code ["\n\n"]}. */
    static List<String> stop(LlamaSettings s) {
        String stop = s.string("stop", null);
        return stop == null ? List.of() : GenerateOptions.parseStop(stop);
    }

    @Override
    public void close() {
        session.close();
    }
}
