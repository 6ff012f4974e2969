package dev.tuneline.llm.model;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of DJL tests: one NDManager per test class, closed at the end. */
public abstract class ManagedTest {

    /** The class's manager; tests open sub-managers from it. */
    protected static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }
}
