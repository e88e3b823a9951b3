package io.sparkllama.engine.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options of one command, checked against what it accepts. */
public final class CliArguments {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final List<String> flags = new ArrayList<>();

    private CliArguments(String command) {
        this.command = command;
    }

    /**
     * @param valued names that take a value
     * @param bare   names that are plain flags
     */
    public static CliArguments parse(String command, String[] args, int from, Set<String> valued, Set<String> bare) {
        CliArguments a = new CliArguments(command);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (bare.contains(name)) {
                a.flags.add(name);
            } else if (valued.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(command + ": --" + name + " needs a value");
                    }
                    inline = args[++i];
                }
                a.values.put(name, inline);
            } else {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
        return a;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": --" + name + " is required");
        }
        return v;
    }

    public int intValue(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
    }

    public float floatValue(String name, float fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
    }
}
