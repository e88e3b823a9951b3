package io.sparkllama.udfs.sql;

import io.sparkllama.engine.generate.SampleSeeds;
import io.sparkllama.udfs.InputColumns;
import io.sparkllama.udfs.InputOrderJoin;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.LlamaSettings;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What {@link LlamaBatchEvalExec} runs for {@code llama_generate} and {@code llama_chat}: each
 * input row becomes {@code n} requests (one per sample, with the generate job's per-sample seeds)
 * that stream through the jobs' {@code GenerateRows} in one running batch, and the row comes back
 * once with its samples gathered into one {@link GenerateCallResult}. The settings keys the job
 * takes as columns ({@code n}, {@code system}, {@code template}) are read from the map here.
 */
final class GeneratePartitionFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    /** Settings-map keys read here rather than by the row function. */
    static final List<String> CALL_KEYS = List.of("n", "system", "template", LlamaTask.OUTPUT_SCHEMA);
    private static final StructType MESSAGE = new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType);
    // The request row the row function reads: prompt, settings map, messages, system, template, sample_index.
    private static final InputColumns COLUMNS = new InputColumns(new int[] {0}, 1, -1,
            Map.of("messages", 2, "system", 3, "template", 4, "sample_index", 5));

    private final boolean chat;
    private final DataType firstType;
    private final Seq<Expression> arguments;
    private final Seq<Attribute> input;
    private final DataType[] outputTypes;
    private final Broadcast<ModelHandle> model;
    private final LlamaSettings settings;
    private final int defaultN;
    private final GenerateCallResult result;

    GeneratePartitionFunction(LlamaCall call, Seq<Attribute> input, DataType[] outputTypes, Broadcast<ModelHandle> model,
                              LlamaSettings settings) {
        this.chat = call instanceof LlamaChatCall;
        this.arguments = call.children();
        this.firstType = call.arguments().get(0).dataType();
        this.input = input;
        this.outputTypes = outputTypes;
        this.model = model;
        this.settings = settings;
        this.defaultN = LlamaTask.generateSettings(settings).options().n();
        this.result = ((GenerateCall) call).result();
    }

    /** One request: the input row it comes from, the sample it is, how many the row has, and the row's error if its settings are bad. */
    private record Sample(InternalRow row, Row request, int index, int count, String error) {
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) throws Exception {
        UnsafeProjection args = UnsafeProjection$.MODULE$.create(arguments, input);
        UnsafeProjection out = UnsafeProjection$.MODULE$.create(outputTypes);
        Function1<Object, Object> toCatalyst = CatalystTypeConverters.createToCatalystConverter(result.type());
        Function1<Object, Object> messages = CatalystTypeConverters.createToScalaConverter(firstType);
        boolean hasSettings = arguments.size() > 1;
        MapPartitionsFunction<Row, Row> function = LlamaTask.GENERATE.rows(model, settings, COLUMNS, JobProgress.none(), null);
        Iterator<Sample> samples = new Iterator<>() {
            private final List<Sample> queue = new ArrayList<>();
            private int at;

            @Override
            public boolean hasNext() {
                return at < queue.size() || rows.hasNext();
            }

            @Override
            public Sample next() {
                if (at == queue.size()) {
                    if (!rows.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    queue.clear();
                    at = 0;
                    InternalRow row = rows.next().copy(); // the child may reuse one row object for every row
                    expand(row, args.apply(row), hasSettings, messages, queue);
                }
                return queue.get(at++);
            }
        };
        Iterator<Object[]> joined = new InputOrderJoin<Sample, Object[]>(samples, s -> s, Sample::request, function,
                (s, result) -> new Object[] {s, result});
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return joined.hasNext();
            }

            @Override
            public InternalRow next() {
                List<Row> results = new ArrayList<>();
                Sample s;
                do {
                    Object[] pair = joined.next();
                    s = (Sample) pair[0];
                    results.add((Row) pair[1]);
                } while (s.index() < s.count() - 1);
                Row struct = s.error() != null ? result.error(s.error()) : result.of(results);
                InternalRow value = (InternalRow) toCatalyst.apply(struct);
                return out.apply(new JoinedRow(s.row(), new GenericInternalRow(new Object[] {value}))).copy();
            }
        };
    }

    /** The row's requests, one per sample; a row with a bad {@code n} gets one request (its result is replaced by the error). */
    private void expand(InternalRow row, UnsafeRow a, boolean hasSettings, Function1<Object, Object> toMessages, List<Sample> into) {
        Map<String, String> own = hasSettings && !a.isNullAt(1) ? LlamaPartitionFunction.settingsMap(a.getMap(1)) : new HashMap<>();
        String nText = own.remove("n");
        String system = own.remove("system");
        String template = own.remove("template");
        String outputSchema = own.remove(LlamaTask.OUTPUT_SCHEMA);
        int n = defaultN;
        String error = unknownKey(own);
        if (outputSchema != null && !result.hasParsed()) {
            error = "output_schema is read when the query is planned, so it must be in a literal settings map, e.g."
                    + " map('json_schema', '{...}', 'output_schema', 'json_schema'); or parse the completion with from_json";
            own.put("max_tokens", "0");
        }
        if (nText != null) {
            try {
                n = Integer.parseInt(nText.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > SampleSeeds.MAX_SAMPLES) {
                error = error != null ? error : "n must be an integer in [1, " + SampleSeeds.MAX_SAMPLES + "], got '" + nText + "'";
                n = 1;
                own.put("max_tokens", "0"); // nothing to generate for it: its result is the error
            }
        }
        String prompt = null;
        Object messages = null;
        if (chat) {
            if (a.isNullAt(0)) {
                error = error != null ? error : "messages is null";
                own.put("max_tokens", "0");
            } else {
                List<Row> list = new ArrayList<>(CollectionConverters.asJava((scala.collection.Seq<Row>) toMessages.apply(a.getArray(0))));
                if (system != null) {
                    list.add(0, new GenericRowWithSchema(new Object[] {"system", system}, MESSAGE));
                }
                messages = CollectionConverters.asScala(list).toSeq();
            }
            prompt = "";
        } else {
            prompt = a.isNullAt(0) ? null : a.getUTF8String(0).toString();
        }
        Object map = CollectionConverters.asScala(own);
        for (int k = 0; k < n; k++) {
            Row request = RowFactory.create(prompt, map, messages, chat ? null : system, template, k);
            into.add(new Sample(row, request, k, n, error));
        }
    }

    /** The error for a key neither the row function nor this function reads (listing both), or null. */
    private static String unknownKey(Map<String, String> own) {
        for (String key : own.keySet()) {
            if (!LlamaTask.GENERATE.rowSettings().contains(key)) {
                java.util.Set<String> known = new java.util.TreeSet<>(LlamaTask.GENERATE.rowSettings());
                known.addAll(CALL_KEYS);
                return "unknown setting '" + key + "' (known here: " + String.join(", ", known) + ")";
            }
        }
        return null;
    }

}
