package io.tally.sdk.internal;

/** How this library names itself to the server. */
public final class SdkInfo {
    public static final String NAME = "tally-sdk-java";
    public static final String VERSION = "0.1.0";
    public static final String USER_AGENT = NAME + "/0.1";

    private SdkInfo() {}
}
