package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One condition on an event: {@code property op values}; see docs/queries.md. */
public record Filter(PropertyRef property, FilterOp op, List<FilterValue> values) {
    public Filter {
        requireNonNull(property, "property is null");
        requireNonNull(op, "op is null");
        values = List.copyOf(requireNonNull(values, "values is null"));
        switch (op.arity()) {
            case NONE -> {
                if (!values.isEmpty()) {
                    throw new IllegalArgumentException(op.wireName() + " takes no value");
                }
            }
            case ONE -> {
                if (values.size() != 1) {
                    throw new IllegalArgumentException(op.wireName() + " takes exactly one value");
                }
            }
            case LIST -> {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(op.wireName() + " takes a non-empty list of values");
                }
            }
        }
        if (op.numericOnly() && !values.get(0).number()) {
            throw new IllegalArgumentException(op.wireName() + " compares numbers; the value must be a JSON number");
        }
    }
}
