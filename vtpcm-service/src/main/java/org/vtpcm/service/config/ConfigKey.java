package org.vtpcm.service.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One configuration key: its name, its default as written in the file ({@code ""} for none), what it means, and how its
 * (trimmed) text becomes a value. A parser refuses a value with an {@link IllegalArgumentException} whose message
 * completes the sentence "{@code <key> ...}", e.g. "must be 1..65535, got '70000'".
 */
public record ConfigKey<T>(String name, String defaultValue, String help, Parser<T> parser) {
    public ConfigKey {
        requireNonNull(name, "name is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(help, "help is null");
        requireNonNull(parser, "parser is null");
    }

    /** Turns a value's text into the value, or says what is wrong with it. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    /** Any text, the empty text included. */
    public static ConfigKey<String> text(String name, String defaultValue, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> text);
    }

    /** Text that must not be empty. */
    public static ConfigKey<String> required(String name, String defaultValue, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("is required");
            }
            return text;
        });
    }

    /** Text matching a pattern; {@code what} completes "must be ...". */
    public static ConfigKey<String> matching(String name, String defaultValue, String help, Pattern pattern, String what) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            if (!pattern.matcher(text).matches()) {
                throw new IllegalArgumentException("must be " + what + ", got '" + text + "'");
            }
            return text;
        });
    }

    /** A whole number within {@code min..max}. */
    public static ConfigKey<Long> number(String name, String defaultValue, long min, long max, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number, got '" + text + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be " + min + ".." + max + ", got " + value);
            }
            return value;
        });
    }

    /** A whole number within {@code min..max} that fits an int. */
    public static ConfigKey<Integer> integer(String name, String defaultValue, int min, int max, String help) {
        return number(name, defaultValue, min, max, help).map(Long::intValue);
    }

    /** A duration in whole seconds within {@code min..max}. */
    public static ConfigKey<Duration> seconds(String name, String defaultValue, long min, long max, String help) {
        return number(name, defaultValue, min, max, help).map(Duration::ofSeconds);
    }

    /**
     * Text a function turns into a value, refusing it with an IllegalArgumentException (e.g. an enum's or a library's
     * {@code parse}); its own message is replaced by "must be {@code what}".
     */
    public static <T> ConfigKey<T> parsed(String name, String defaultValue, String help, Function<String, T> function, String what) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            try {
                return function.apply(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be " + what + ", got '" + text + "'");
            }
        });
    }

    /** Exactly {@code true} or {@code false}. */
    public static ConfigKey<Boolean> bool(String name, String defaultValue, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false, got '" + text + "'");
        });
    }

    /** A non-empty path. */
    public static ConfigKey<Path> path(String name, String defaultValue, String help) {
        return required(name, defaultValue, help).map(Path::of);
    }

    /** An absolute path, normalized. */
    public static ConfigKey<Path> absolutePath(String name, String defaultValue, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            if (text.isEmpty() || !Path.of(text).isAbsolute()) {
                throw new IllegalArgumentException("must be an absolute path, got '" + text + "'");
            }
            return Path.of(text).normalize();
        });
    }

    /** An absolute path, normalized, or nothing when empty (the caller supplies a default derived from other keys). */
    public static ConfigKey<Optional<Path>> optionalAbsolutePath(String name, String defaultValue, String help) {
        ConfigKey<Path> path = absolutePath(name, defaultValue, help);
        return new ConfigKey<>(name, defaultValue, help, text -> text.isEmpty() ? Optional.empty() : Optional.of(path.parser().parse(text)));
    }

    /** Absolute paths, comma separated; empty items are skipped. */
    public static ConfigKey<List<Path>> absolutePaths(String name, String defaultValue, String help) {
        return new ConfigKey<>(name, defaultValue, help, text -> {
            List<Path> paths = new ArrayList<>();
            for (String part : text.split(",")) {
                String item = part.trim();
                if (item.isEmpty()) {
                    continue;
                }
                if (!Path.of(item).isAbsolute()) {
                    throw new IllegalArgumentException("entries must be absolute paths, got '" + item + "'");
                }
                paths.add(Path.of(item));
            }
            return List.copyOf(paths);
        });
    }

    /** One of an enum's constants, written in lower case. */
    public static <E extends Enum<E>> ConfigKey<E> choice(String name, String defaultValue, String help, Class<E> type) {
        E[] constants = type.getEnumConstants();
        return new ConfigKey<>(name, defaultValue, help, text -> {
            for (E constant : constants) {
                if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return constant;
                }
            }
            StringBuilder allowed = new StringBuilder();
            for (int i = 0; i < constants.length; i++) {
                allowed.append(i == 0 ? "" : i == constants.length - 1 ? " or " : ", ").append(constants[i].name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException("must be " + allowed + ", got '" + text + "'");
        });
    }

    /** The same key whose value is further converted or checked (the function may throw IllegalArgumentException too). */
    public <U> ConfigKey<U> map(Function<? super T, ? extends U> function) {
        Parser<T> first = parser;
        return new ConfigKey<>(name, defaultValue, help, text -> function.apply(first.parse(text)));
    }

    /** The same key under another name, for keys repeated per item (e.g. {@code host.<name>.manager}). */
    public ConfigKey<T> named(String otherName) {
        return new ConfigKey<>(otherName, defaultValue, help, parser);
    }
}
