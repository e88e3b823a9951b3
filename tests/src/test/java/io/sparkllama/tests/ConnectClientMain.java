package io.sparkllama.tests;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The JVM Spark Connect client's side of {@link SparkConnectTest}, run in a JVM of its own (the
 * client jar and classic Spark cannot share a classpath): sets the model through the connection,
 * runs the SQL form and the DataFrame {@code selectExpr} form (what PySpark's {@code F.expr} sends),
 * and prints one line per row.
 */
public final class ConnectClientMain {
    static final String GENERATE_SQL = "SELECT id, llama_generate(p, map('max_tokens', '12')) AS r FROM VALUES (1, 'Once upon a time'),"
            + " (2, 'Tom had a dog'), (3, CAST(NULL AS STRING)) AS t(id, p) ORDER BY id";
    /** llama_chat with n samples: the chat function and the completions array over the connection. */
    static final String CHAT_SQL = "SELECT id, llama_chat(array(named_struct('role', 'user', 'content', p)), map('template', 'llama2',"
            + " 'max_tokens', '8', 'n', '2', 'temperature', '0.9')) AS r FROM VALUES (1, 'Once upon a time') AS t(id, p)";
    static final String SCORE_EXPR = "llama_score(concat('Once upon a time ', CAST(id AS STRING))) AS r";

    private ConnectClientMain() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().remote(args[0]).getOrCreate();
        spark.conf().set("spark.llama.model", args[1]);
        for (String line : lines(spark.sql(GENERATE_SQL).collectAsList())) {
            System.out.println("generate\t" + line);
        }
        for (String line : lines(spark.sql(CHAT_SQL).collectAsList())) {
            System.out.println("chat\t" + line);
        }
        for (String line : lines(spark.range(3).selectExpr("id", SCORE_EXPR).orderBy("id").collectAsList())) {
            System.out.println("score\t" + line);
        }
        spark.stop();
    }

    /** Rows of (id, result struct) as text: every field, logprobs as their float bits. */
    static List<String> lines(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row row : rows) {
            Row r = row.getStruct(1);
            StringBuilder b = new StringBuilder(String.valueOf(row.get(0)));
            for (int i = 0; i < r.size(); i++) {
                b.append('\t').append(r.schema().fields()[i].name()).append('=');
                if (r.schema().fields()[i].name().equals("token_logprobs") && !r.isNullAt(i)) {
                    List<Float> lps = r.getList(i);
                    lps.forEach(f -> b.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(','));
                } else {
                    b.append(r.isNullAt(i) ? "null" : String.valueOf(r.get(i) instanceof scala.collection.Seq<?> s
                            ? scala.jdk.javaapi.CollectionConverters.asJava(s) : r.get(i)));
                }
            }
            out.add(b.toString());
        }
        return out;
    }
}
