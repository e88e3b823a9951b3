package io.sparkllama.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of a job: {@code --name value} options and repeated {@code --set key=value}
 * settings, checked against what the job accepts.
 */
public final class JobArguments {
    private final String job;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();
    private Set<String> optionNames = Set.of();

    private JobArguments(String job) {
        this.job = job;
    }

    public static JobArguments parse(String job, String[] args, int from, Set<String> valued, Set<String> bare) {
        JobArguments a = new JobArguments(job);
        a.optionNames = valued;
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new JobConfigException(job + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (bare.contains(name)) {
                a.flags.add(name);
                continue;
            }
            if (!name.equals("set") && !valued.contains(name)) {
                throw new JobConfigException(job + ": unknown option --" + name);
            }
            if (i + 1 >= args.length) {
                throw new JobConfigException(job + ": --" + name + " needs a value");
            }
            String value = args[++i];
            if (name.equals("set")) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new JobConfigException(job + ": --set takes key=value, got '" + value + "'");
                }
                a.settings.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
            } else {
                a.options.put(name, value);
            }
        }
        return a;
    }

    /**
     * These arguments over a {@code --config} file's: the command line's options and {@code --set}
     * settings win over the file's.
     */
    public JobArguments withConfigFile(Set<String> knownSettings) {
        String file = options.get("config");
        if (file == null) {
            return this;
        }
        Map<String, String> fromFile = JobConfigFile.read(java.nio.file.Path.of(file), job, optionNames, knownSettings);
        JobArguments merged = new JobArguments(job);
        merged.optionNames = optionNames;
        merged.flags.addAll(flags);
        for (Map.Entry<String, String> e : fromFile.entrySet()) {
            (optionNames.contains(e.getKey()) ? merged.options : merged.settings).put(e.getKey(), e.getValue());
        }
        merged.options.putAll(options);
        merged.settings.putAll(settings);
        return merged;
    }

    public String job() {
        return job;
    }

    public String option(String name) {
        return options.get(name);
    }

    public String require(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new JobConfigException(job + ": --" + name + " is required");
        }
        return v;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The {@code --set} settings in the order given. */
    public Map<String, String> settings() {
        return settings;
    }
}
