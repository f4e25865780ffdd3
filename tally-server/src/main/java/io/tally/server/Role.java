package io.tally.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What one process does. Embedded mode runs all of them in one JVM. */
public enum Role {
    COLLECTOR, LOADER, QUERY;

    public static Set<Role> parse(String list) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : list.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                roles.add(Role.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--roles: unknown role '" + part.trim() + "'; use collector, loader, query");
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("--roles: name at least one of collector, loader, query");
        }
        return roles;
    }

    /** The roles as a user writes them, e.g. {@code collector,loader}. */
    public static String names(Set<Role> roles) {
        StringBuilder names = new StringBuilder();
        for (Role role : roles) {
            names.append(names.isEmpty() ? "" : ",").append(role.name().toLowerCase(Locale.ROOT));
        }
        return names.toString();
    }
}
