package org.vtpcm.service.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Typed reads of a {@code .properties} configuration: each value is trimmed, a key the file leaves out gets its
 * default, and every problem is a {@link ConfigException} naming the file and the key.
 */
public final class ConfigReader {
    private final Properties properties;
    private final String source;

    private ConfigReader(Properties properties, String source) {
        this.properties = properties;
        this.source = requireNonNull(source, "source is null");
    }

    /** Reads a properties file. */
    public static ConfigReader load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        return of(properties, file);
    }

    public static ConfigReader of(Properties properties, Path file) {
        return of(properties, file.toString());
    }

    /** @param source what to name in messages: the file, or where the properties came from */
    public static ConfigReader of(Properties properties, String source) {
        Properties copy = new Properties();
        properties.stringPropertyNames().forEach(name -> copy.setProperty(name, properties.getProperty(name)));
        return new ConfigReader(copy, source);
    }

    /** The value of a key, its default when the file leaves it out. */
    public <T> T get(ConfigKey<T> key) {
        String text = text(key);
        try {
            return key.parser().parse(text);
        } catch (IllegalArgumentException e) {
            throw problem(key.name() + " " + e.getMessage());
        }
    }

    /** The trimmed text of a key, its default when the file leaves it out. */
    public String text(ConfigKey<?> key) {
        return properties.getProperty(key.name(), key.defaultValue()).trim();
    }

    /** Whether the file sets this key (to anything, even empty). */
    public boolean isSet(String name) {
        return properties.containsKey(name);
    }

    /** The keys the file sets. */
    public Set<String> names() {
        return properties.stringPropertyNames();
    }

    /** The same file reduced to the keys that pass a filter (e.g. one section for another reader). */
    public ConfigReader only(Predicate<String> filter) {
        Properties part = new Properties();
        names().stream().filter(filter).forEach(name -> part.setProperty(name, properties.getProperty(name)));
        return new ConfigReader(part, source);
    }

    /**
     * Fails on every key the file sets that is not known: a typo must not silently leave the default in place.
     *
     * @param known which names are known
     * @param knownDescription the known keys, for the message
     */
    public void refuseUnknown(Predicate<String> known, String knownDescription) {
        SortedSet<String> unknown = new TreeSet<>();
        names().stream().filter(known.negate()).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw problem("unknown key(s) " + unknown + "; known keys: " + knownDescription);
        }
    }

    /** Fails on every key the file sets that is not one of these. */
    public void refuseUnknown(ConfigKeys keys) {
        refuseUnknown(keys::contains, keys.names().toString());
    }

    /** A problem with this file: {@code <source>: <message>}. */
    public ConfigException problem(String message) {
        return new ConfigException(source + ": " + message);
    }

    public String source() {
        return source;
    }
}
