package io.tally.core.query;

import java.util.Locale;

/** Filter operators; their meaning is defined in docs/queries.md. */
public enum FilterOp {
    EQ, NEQ, IN, NOT_IN, CONTAINS, NOT_CONTAINS, GT, GTE, LT, LTE, IS_SET, IS_NOT_SET;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The negated operators pass events where the property is missing. */
    public boolean passesWhenMissing() {
        return this == NEQ || this == NOT_IN || this == NOT_CONTAINS || this == IS_NOT_SET;
    }

    /** How many values the operator takes: none, exactly one, or a non-empty list. */
    public Arity arity() {
        return switch (this) {
            case IS_SET, IS_NOT_SET -> Arity.NONE;
            case IN, NOT_IN -> Arity.LIST;
            default -> Arity.ONE;
        };
    }

    public boolean numericOnly() {
        return this == GT || this == GTE || this == LT || this == LTE;
    }

    public enum Arity { NONE, ONE, LIST }
}
