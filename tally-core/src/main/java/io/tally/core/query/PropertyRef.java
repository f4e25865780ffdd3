package io.tally.core.query;

import static java.util.Objects.requireNonNull;

/**
 * What a filter or breakdown looks at in an event; see docs/queries.md for the names users write.
 * Stores turn these into SQL with the key or path escaped; they never reach SQL as written.
 */
public sealed interface PropertyRef {
    /** The event name. */
    record EventName() implements PropertyRef {
    }

    record UserId() implements PropertyRef {
    }

    record AnonymousId() implements PropertyRef {
    }

    /** {@code userId}, else {@code anonymousId}. */
    record DistinctId() implements PropertyRef {
    }

    /** A top-level event property; the key may contain dots. */
    record EventProperty(String key) implements PropertyRef {
        public EventProperty {
            requireNonNull(key, "key is null");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("a property key must not be empty");
            }
        }
    }

    /** A context field by dotted path, e.g. {@code page.url}. */
    record ContextField(String path) implements PropertyRef {
        public ContextField {
            requireNonNull(path, "path is null");
            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                throw new IllegalArgumentException("a context path must be dot-separated names, was '" + path + "'");
            }
        }
    }

    /**
     * Parses the names of docs/queries.md: {@code event}, {@code userId}, {@code anonymousId},
     * {@code distinctId}, {@code context.PATH}, {@code properties.KEY}, or a plain property key.
     */
    static PropertyRef parse(String name) {
        requireNonNull(name, "name is null");
        return switch (name) {
            case "event" -> new EventName();
            case "userId" -> new UserId();
            case "anonymousId" -> new AnonymousId();
            case "distinctId" -> new DistinctId();
            default -> {
                if (name.startsWith("context.")) {
                    yield new ContextField(name.substring("context.".length()));
                }
                if (name.startsWith("properties.")) {
                    yield new EventProperty(name.substring("properties.".length()));
                }
                yield new EventProperty(name);
            }
        };
    }
}
