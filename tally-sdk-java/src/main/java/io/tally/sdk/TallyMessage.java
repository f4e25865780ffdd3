package io.tally.sdk;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One message of the Segment tracking spec, fully specified, for {@link TallyClient#enqueue}.
 *
 * <p>Start from the factory for its type and finish with {@link Builder#build()}:
 * <pre>{@code
 * client.enqueue(TallyMessage.track("Signed Up")
 *         .userId("u1")
 *         .property("plan", "pro")
 *         .build());
 * }</pre>
 *
 * <p>Every message needs a {@code userId} or an {@code anonymousId} (an alias needs a {@code userId});
 * {@link Builder#build()} throws {@link IllegalArgumentException} otherwise. Blank ids count as absent.
 * A {@code messageId} or {@code timestamp} left out is filled in when the message is enqueued; one set
 * here is sent as is, so enqueueing the same message twice sends the same {@code messageId} twice
 * and the server keeps it once.
 *
 * <p>Maps are copied, but nested values are not: they are serialized when the message is enqueued,
 * so change them only after that call returns. Values must be what Jackson can write as JSON
 * (strings, numbers, booleans, null, maps, lists, arrays, {@code java.time} values as ISO-8601).
 */
public final class TallyMessage {

    /** The message types of the tracking spec. */
    public enum Type {
        TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS;

        /** The name on the wire, e.g. {@code "track"}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean carriesProperties() {
            return this == TRACK || this == PAGE || this == SCREEN;
        }

        boolean carriesTraits() {
            return this == IDENTIFY || this == GROUP;
        }
    }

    private final Type type;
    private final String messageId;
    private final Instant timestamp;
    private final String userId;
    private final String anonymousId;
    private final String event;
    private final String name;
    private final String groupId;
    private final String previousId;
    private final Map<String, Object> properties;
    private final Map<String, Object> traits;
    private final Map<String, Object> context;

    private TallyMessage(Builder builder) {
        this.type = builder.type;
        this.messageId = builder.messageId;
        this.timestamp = builder.timestamp;
        this.userId = builder.userId;
        this.anonymousId = builder.anonymousId;
        this.event = builder.event;
        this.name = builder.name;
        this.groupId = builder.groupId;
        this.previousId = builder.previousId;
        this.properties = frozen(builder.properties);
        this.traits = frozen(builder.traits);
        this.context = frozen(builder.context);
    }

    /** A {@code track} message: the user did {@code event}. */
    public static Builder track(String event) {
        Builder builder = new Builder(Type.TRACK);
        builder.event = requireText("event", event);
        return builder;
    }

    /** An {@code identify} message: who the user is, with traits. */
    public static Builder identify() {
        return new Builder(Type.IDENTIFY);
    }

    /** A {@code page} message: the user viewed the web page {@code name}. */
    public static Builder page(String name) {
        Builder builder = new Builder(Type.PAGE);
        builder.name = requireText("name", name);
        return builder;
    }

    /** A {@code screen} message: the user viewed the app screen {@code name}. */
    public static Builder screen(String name) {
        Builder builder = new Builder(Type.SCREEN);
        builder.name = requireText("name", name);
        return builder;
    }

    /** A {@code group} message: the user belongs to the group (account, company) {@code groupId}. */
    public static Builder group(String groupId) {
        Builder builder = new Builder(Type.GROUP);
        builder.groupId = requireText("groupId", groupId);
        return builder;
    }

    /** An {@code alias} message: {@code previousId} and the message's {@code userId} are one person. */
    public static Builder alias(String previousId) {
        Builder builder = new Builder(Type.ALIAS);
        builder.previousId = requireText("previousId", previousId);
        return builder;
    }

    public Type type() {
        return type;
    }

    /** The id set by the caller; empty when the client is to generate one. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** The time set by the caller; empty when the client is to use the time of the call. */
    public Optional<Instant> timestamp() {
        return Optional.ofNullable(timestamp);
    }

    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    public Optional<String> anonymousId() {
        return Optional.ofNullable(anonymousId);
    }

    /** The event name of a {@code track} message. */
    public Optional<String> event() {
        return Optional.ofNullable(event);
    }

    /** The page or screen name of a {@code page} or {@code screen} message. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    public Optional<String> groupId() {
        return Optional.ofNullable(groupId);
    }

    public Optional<String> previousId() {
        return Optional.ofNullable(previousId);
    }

    /** Properties of a {@code track}, {@code page} or {@code screen} message; unmodifiable, may hold null values. */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Traits of an {@code identify} or {@code group} message; unmodifiable, may hold null values. */
    public Map<String, Object> traits() {
        return traits;
    }

    /** Context set by the caller; the client adds {@code library} when it sends the message. */
    public Map<String, Object> context() {
        return context;
    }

    @Override
    public String toString() {
        return "TallyMessage{" + type.wireName()
                + (messageId == null ? "" : ", messageId=" + messageId)
                + (userId == null ? "" : ", userId=" + userId)
                + (anonymousId == null ? "" : ", anonymousId=" + anonymousId)
                + (event == null ? "" : ", event=" + event)
                + (name == null ? "" : ", name=" + name)
                + "}";
    }

    // Collections.unmodifiableMap rather than Map.copyOf: JSON null is a legitimate value.
    private static Map<String, Object> frozen(Map<String, Object> map) {
        return map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static String requireText(String field, String value) {
        requireNonNull(value, field + " is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Collects the fields of one message; not thread-safe, reusable after {@link #build()}. */
    public static final class Builder {
        private final Type type;
        private String messageId;
        private Instant timestamp;
        private String userId;
        private String anonymousId;
        private String event;
        private String name;
        private String groupId;
        private String previousId;
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final Map<String, Object> traits = new LinkedHashMap<>();
        private final Map<String, Object> context = new LinkedHashMap<>();

        private Builder(Type type) {
            this.type = type;
        }

        /** The user's id in your system. */
        public Builder userId(String userId) {
            this.userId = blankToNull(userId);
            return this;
        }

        /** An id for a user not known yet, e.g. a device or cookie id. */
        public Builder anonymousId(String anonymousId) {
            this.anonymousId = blankToNull(anonymousId);
            return this;
        }

        /**
         * A message id of your own, kept as is. Set it when you may send the same message again
         * (for example when re-importing), so the server stores it once.
         */
        public Builder messageId(String messageId) {
            this.messageId = requireText("messageId", messageId);
            return this;
        }

        /** When it happened, for historical imports; sent with millisecond precision. Default: the time of the call. */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = requireNonNull(timestamp, "timestamp is null");
            return this;
        }

        /** Adds one property ({@code track}, {@code page}, {@code screen}); the value may be null. */
        public Builder property(String key, Object value) {
            properties.put(requireNonNull(key, "property key is null"), value);
            return this;
        }

        /** Adds every entry of {@code properties} ({@code track}, {@code page}, {@code screen}). */
        public Builder properties(Map<String, ?> properties) {
            putAll(this.properties, properties, "property");
            return this;
        }

        /** Adds one trait ({@code identify}, {@code group}); the value may be null. */
        public Builder trait(String key, Object value) {
            traits.put(requireNonNull(key, "trait key is null"), value);
            return this;
        }

        /** Adds every entry of {@code traits} ({@code identify}, {@code group}). */
        public Builder traits(Map<String, ?> traits) {
            putAll(this.traits, traits, "trait");
            return this;
        }

        /** Adds one context entry, e.g. {@code ip}, {@code locale}, {@code campaign}. */
        public Builder context(String key, Object value) {
            context.put(requireNonNull(key, "context key is null"), value);
            return this;
        }

        /**
         * Adds every entry of {@code context}. The client sets {@code context.library} itself, so a
         * {@code library} entry given here is replaced.
         */
        public Builder context(Map<String, ?> context) {
            putAll(this.context, context, "context");
            return this;
        }

        /**
         * Checks the message and freezes it.
         *
         * @throws IllegalArgumentException when it has neither userId nor anonymousId (an alias
         *                                  without userId), or carries fields its type does not have
         */
        public TallyMessage build() {
            if (type == Type.ALIAS && userId == null) {
                throw new IllegalArgumentException("an alias message needs a userId (the id that previousId becomes)");
            }
            if (userId == null && anonymousId == null) {
                throw new IllegalArgumentException("a " + type.wireName() + " message needs a userId or an anonymousId");
            }
            if (!properties.isEmpty() && !type.carriesProperties()) {
                throw new IllegalArgumentException("a " + type.wireName() + " message has no properties; use traits or context");
            }
            if (!traits.isEmpty() && !type.carriesTraits()) {
                throw new IllegalArgumentException("a " + type.wireName() + " message has no traits; use properties or context");
            }
            return new TallyMessage(this);
        }

        private static void putAll(Map<String, Object> target, Map<String, ?> source, String what) {
            requireNonNull(source, what + " map is null");
            source.forEach((key, value) -> target.put(requireNonNull(key, what + " key is null"), value));
        }
    }
}
