package io.tally.schema.codegen;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Hands out names that are unique within one scope (a file, a class, an interface): a reserved word
 * gets a trailing underscore ({@code class_}), a name already given gets a number ({@code OrderCompleted2}).
 * Names are handed out in a stable order by the callers (events sorted by name, properties in schema
 * order), so the same plan always gives the same names.
 */
final class NameAllocator {
    private final Set<String> reserved;
    private final Set<String> taken = new HashSet<>();
    private final boolean ignoreCase;

    /**
     * @param reserved words that cannot be used as they are in this scope
     * @param ignoreCase whether names differing only in case count as the same: true for names that
     *     become file names, which clash on case-insensitive file systems
     */
    NameAllocator(Collection<String> reserved, boolean ignoreCase) {
        this.reserved = Set.copyOf(reserved);
        this.ignoreCase = ignoreCase;
    }

    /** Marks a name as used, e.g. a fixed member of the generated code; returns it. */
    String claim(String name) {
        if (!taken.add(key(name))) {
            throw new IllegalStateException(name + " is already used in this scope");
        }
        return name;
    }

    /** A unique name based on {@code candidate}, now marked as used. */
    String allocate(String candidate) {
        String base = reserved.contains(candidate) ? candidate + "_" : candidate;
        String name = base;
        for (int n = 2; !taken.add(key(name)); n++) {
            name = base + n;
        }
        return name;
    }

    private String key(String name) {
        return ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
    }
}
