package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void splitsOnSpacesPunctuationAndCaseChanges() {
        assertThat(Names.words("Order Completed")).containsExactly("Order", "Completed");
        assertThat(Names.words("order_completed")).containsExactly("order", "completed");
        assertThat(Names.words("order-completed!")).containsExactly("order", "completed");
        assertThat(Names.words("orderCompleted")).containsExactly("order", "Completed");
        assertThat(Names.words("userID")).containsExactly("user", "ID");
        assertThat(Names.words("HTTPServer started")).containsExactly("HTTP", "Server", "started");
        assertThat(Names.words("v2 API")).containsExactly("v2", "API");
        assertThat(Names.words("$identify")).containsExactly("identify");
    }

    @Test
    void typesArePascalCaseMembersCamelCaseConstantsUpperCase() {
        assertThat(Names.pascal("Order Completed", "Event")).isEqualTo("OrderCompleted");
        assertThat(Names.pascal("order.completed", "Event")).isEqualTo("OrderCompleted");
        assertThat(Names.pascal("URL Shared", "Event")).isEqualTo("UrlShared");
        assertThat(Names.camel("Order Completed", "event")).isEqualTo("orderCompleted");
        assertThat(Names.camel("user_ID", "p")).isEqualTo("userId");
        assertThat(Names.camel("EVENT", "p")).isEqualTo("event");
        assertThat(Names.constant("two words", "VALUE")).isEqualTo("TWO_WORDS");
        assertThat(Names.constant("camelCase", "VALUE")).isEqualTo("CAMEL_CASE");
    }

    @Test
    void aLeadingDigitGetsAnUnderscore() {
        assertThat(Names.pascal("2FA Enabled", "Event")).isEqualTo("_2faEnabled");
        assertThat(Names.camel("3d secure", "p")).isEqualTo("_3dSecure");
        assertThat(Names.constant("1", "VALUE")).isEqualTo("_1");
    }

    @Test
    void accentsAreDroppedAndOtherScriptsFallBack() {
        assertThat(Names.pascal("Caf\u00e9 Ouvert", "Event")).isEqualTo("CafeOuvert");
        assertThat(Names.pascal("\u00dcber uns", "Event")).isEqualTo("UberUns");
        assertThat(Names.pascal("\u6ce8\u6587\u5b8c\u4e86", "Event")).isEqualTo("Event");
        assertThat(Names.camel("\ud83d\ude80", "property")).isEqualTo("property");
        assertThat(Names.constant("", "VALUE")).isEqualTo("VALUE");
        assertThat(Names.pascal("!!!", "Event")).isEqualTo("Event");
    }

    @Test
    void reservedWordsGetAnUnderscoreAndDuplicatesANumber() {
        NameAllocator names = new NameAllocator(JavaNames.MEMBERS, false);

        List<String> given = List.of("class", "orderCompleted", "orderCompleted", "class", "toString", "hashCode",
                "builder", "orderCompleted2", "yield").stream().map(names::allocate).toList();

        assertThat(given).containsExactly("class_", "orderCompleted", "orderCompleted2", "class_2", "toString_",
                "hashCode_", "builder_", "orderCompleted22", "yield_");
    }

    @Test
    void fileNamesDifferingOnlyInCaseCountAsTheSame() {
        NameAllocator files = new NameAllocator(Set.of(), true);
        NameAllocator members = new NameAllocator(Set.of(), false);

        assertThat(files.allocate("OrderCompleted")).isEqualTo("OrderCompleted");
        assertThat(files.allocate("Ordercompleted")).isEqualTo("Ordercompleted2");
        assertThat(members.allocate("a")).isEqualTo("a");
        assertThat(members.allocate("A")).isEqualTo("A");
    }

    @Test
    void aClaimedNameIsNeverGivenAgain() {
        NameAllocator names = new NameAllocator(Set.of(), false);
        names.claim("TypedTally");

        assertThat(names.allocate("TypedTally")).isEqualTo("TypedTally2");
        assertThatThrownBy(() -> names.claim("TypedTally")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void javaPackageNamesAreChecked() {
        assertThat(JavaNames.requirePackage("com.acme.events")).isEqualTo("com.acme.events");
        assertThat(JavaNames.requirePackage("events")).isEqualTo("events");
        for (String bad : List.of("", ".events", "com..acme", "com.acme.", "com.new", "com.acme-events", "1com", "com._")) {
            assertThatThrownBy(() -> JavaNames.requirePackage(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listPropertiesNameTheirElementsInTheSingular() {
        assertThat(JavaTypeMapper.singular("items")).isEqualTo("item");
        assertThat(JavaTypeMapper.singular("categories")).isEqualTo("category");
        assertThat(JavaTypeMapper.singular("addresses")).isEqualTo("address");
        assertThat(JavaTypeMapper.singular("boxes")).isEqualTo("box");
        assertThat(JavaTypeMapper.singular("status")).isEqualTo("status item");
        assertThat(JavaTypeMapper.singular("data")).isEqualTo("data item");
    }
}
