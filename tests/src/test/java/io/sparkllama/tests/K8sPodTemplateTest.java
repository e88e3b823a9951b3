package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes example (conf/k8s/), tested by rendering only (no cluster here): the pod template
 * read as YAML and the README's {@code spark-submit --master k8s://} line agree on the JVM flags,
 * the image, the model volume and path, and the flags are the ones every other README command passes.
 */
class K8sPodTemplateTest {
    private static final Pattern FLAGS_LINE = Pattern.compile("FLAGS=\"([^\"]*)\"");

    @Test
    void podTemplateAndSubmitLineAgreeWithTheDocs() throws IOException {
        Path repo = TestSpark.repo();
        Path template = repo.resolve("conf/k8s/pod-template.yaml");
        JsonNode pod = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        assertEquals("Pod", pod.path("kind").asText());
        JsonNode container = pod.path("spec").path("containers").path(0);
        assertEquals("spark-kubernetes-container", container.path("name").asText());

        String jdkOptions = null;
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("JDK_JAVA_OPTIONS")) {
                jdkOptions = env.path("value").asText();
            }
        }
        assertEquals(SparkDistributionTest.FLAGS, jdkOptions, "JDK_JAVA_OPTIONS in " + template);
        // The same flags in every command the docs give (README, spark-native.md, the k8s README).
        for (String doc : List.of("README.md", "docs/spark-native.md", "docs/distribution.md", "conf/k8s/README.md")) {
            Matcher m = FLAGS_LINE.matcher(Files.readString(repo.resolve(doc)));
            int n = 0;
            while (m.find()) {
                assertEquals(SparkDistributionTest.FLAGS, m.group(1), "FLAGS in " + doc);
                n++;
            }
            assertTrue(n > 0, doc + " gives FLAGS");
        }

        JsonNode mount = container.path("volumeMounts").path(0);
        assertEquals("models", mount.path("name").asText());
        assertTrue(mount.path("readOnly").asBoolean(), "the model volume is mounted read-only");
        JsonNode volume = pod.path("spec").path("volumes").path(0);
        assertEquals("models", volume.path("name").asText());
        assertEquals("spark-llama-models", volume.path("persistentVolumeClaim").path("claimName").asText());

        Map<String, String> conf = new HashMap<>();
        List<String> words = submitLine(Files.readString(repo.resolve("conf/k8s/README.md")));
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("--conf")) {
                String kv = words.get(i + 1);
                conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        assertTrue(words.get(words.indexOf("--master") + 1).startsWith("k8s://https://"), words.toString());
        assertEquals(container.path("image").asText(), conf.get("spark.kubernetes.container.image"));
        assertEquals("conf/k8s/pod-template.yaml", conf.get("spark.kubernetes.driver.podTemplateFile"));
        assertEquals("conf/k8s/pod-template.yaml", conf.get("spark.kubernetes.executor.podTemplateFile"));
        assertEquals("\"$FLAGS\"", conf.get("spark.driver.extraJavaOptions"));
        assertEquals("\"$FLAGS\"", conf.get("spark.executor.extraJavaOptions"));
        assertEquals("io.sparkllama.jobs.SparkLlama", words.get(words.indexOf("--class") + 1));
        String model = words.get(words.indexOf("--model") + 1);
        assertTrue(model.startsWith(mount.path("mountPath").asText() + "/"), model + " lies on the model volume");
    }

    /** The spark-submit command of the first bash block, continuation lines joined, split into words. */
    private static List<String> submitLine(String markdown) {
        String block = markdown.substring(markdown.indexOf("```bash") + 7);
        block = block.substring(0, block.indexOf("```"));
        String command = block.lines().dropWhile(l -> !l.contains("spark-submit")).reduce("", (a, l) -> a + " " + l).replace("\\", " ");
        List<String> words = new ArrayList<>(List.of(command.trim().split("\\s+")));
        assertTrue(words.get(0).endsWith("bin/spark-submit"), command);
        return words;
    }
}
