package io.tally.schema.codegen;

import java.util.List;
import java.util.Map;

/**
 * The typed surface at the end of the generated TypeScript module: the map from event names to
 * property types, the typed tracker interface, the browser SDK's shape and the {@code typed} helper.
 */
final class TypeScriptApi {
    private final SourceWriter out;

    TypeScriptApi(SourceWriter out) {
        this.out = out;
    }

    /**
     * @param eventTypes the properties type of each event, by event name
     * @param identifyNeedsTraits whether the traits schema has required traits, so traits cannot be left out
     */
    void write(Map<String, String> eventTypes, String identifyTraits, boolean identifyNeedsTraits) {
        out.doc(SourceText.jsdoc("Every event of the tracking plan, by name, with the type of its properties."));
        out.open("export interface TallyEvents {");
        eventTypes.forEach((event, type) -> out.line(SourceText.tsString(event) + ": " + type + ";"));
        out.close("}").blank();

        out.doc(SourceText.jsdoc("The name of an event of the tracking plan."));
        out.line("export type TallyEventName = keyof TallyEvents;").blank();

        String traits = identifyNeedsTraits ? "traits: " : "traits?: ";
        out.doc(SourceText.jsdoc("Tally's browser SDK with calls checked against the tracking plan at compile time."));
        out.open("export interface TypedTally {");
        out.doc(SourceText.jsdoc("Records that the current user did `event`, with the properties its schema describes."));
        out.line("track<E extends TallyEventName>(event: E, properties: TallyEvents[E]): void;");
        out.doc(SourceText.jsdoc("Records who the current user is, with traits as the plan describes them."));
        out.line("identify(userId: string, " + traits + identifyTraits + "): void;");
        out.doc(SourceText.jsdoc("Records a page view; pages are not part of the tracking plan."));
        out.line("page(name?: string, properties?: { [key: string]: unknown }): void;");
        out.close("}").blank();

        // Declared here rather than imported: the module must compile without the SDK's own typings.
        out.doc(SourceText.jsdoc("The part of the browser SDK (`window.tally`) that `typed` needs."));
        out.open("export interface TallyBrowser {");
        out.line("track(event: string, properties?: object): unknown;");
        out.line("identify(userId: string, traits?: object): unknown;");
        out.line("page(name?: string, properties?: object): unknown;");
        out.close("}").blank();

        out.doc(List.of("The browser SDK, typed by the tracking plan: `const tally = typed(window.tally);`"));
        out.open("export function typed(tally: TallyBrowser): TypedTally {");
        out.open("return {");
        out.line("track: (event, properties) => { tally.track(event, properties); },");
        out.line("identify: (userId, traits) => { tally.identify(userId, traits); },");
        out.line("page: (name, properties) => { tally.page(name, properties); },");
        out.close("};");
        out.close("}");
    }
}
