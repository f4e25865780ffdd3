/**
 * Code generated from a tracking plan, so that applications send events that fit it:
 * {@link io.tally.schema.codegen.TypeScriptGenerator} writes TypeScript types and a typed
 * {@code track} for the browser SDK, {@link io.tally.schema.codegen.JavaGenerator} writes Java
 * records and a typed tracker over the Java SDK.
 *
 * <p>Both read each schema into one model ({@code SchemaReader}, {@code SchemaType}) that is a
 * superset of what the schema accepts, then render it; names come from {@code Names} and are made
 * unique per scope by {@code NameAllocator}; text from schemas enters the source only through
 * {@code SourceText}.
 */
package io.tally.schema.codegen;
