package io.tally.loader;

/** The life of a loader; it only moves forward. */
public enum LoaderState {
    CREATED, RUNNING, STOPPING, STOPPED
}
