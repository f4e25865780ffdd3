package io.tally.server.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through its own chromedriver: no browser or driver is ever
 * downloaded (DESIGN §3). A missing browser fails the test with the command that installs it; CI
 * installs it in {@code .ci/run}, so a skip would only hide a broken set-up.
 */
final class TestingChromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where test runs leave their screenshots, as artifacts to look at. */
    static final Path ARTIFACTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;

    private TestingChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser window with a 1280x800 page area. */
    static TestingChromium start() {
        for (Path required : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(required)) {
                throw new IllegalStateException(required + " is missing: the browser tests need Debian's Chromium and its driver. "
                        + "Install them with: apt-get install -y chromium chromium-driver (.ci/run does this)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=en-US",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        TestingChromium chromium = new TestingChromium(driver);
        chromium.desktop();
        return chromium;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** A 1280x800 page area, as on a laptop. */
    void desktop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    }

    /** A 390x844 phone screen (an iPhone 12 to 14), with the mobile viewport rules. */
    void phone() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    }

    /** Saves what the page area shows as {@code name}.png under {@link #ARTIFACTS} and, when given, {@code alsoTo}. */
    Path screenshot(String name, Path alsoTo) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(ARTIFACTS);
            Path file = ARTIFACTS.resolve(name + ".png");
            Files.write(file, png);
            if (alsoTo != null) {
                Files.createDirectories(alsoTo);
                Files.write(alsoTo.resolve(name + ".png"), png);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save screenshot " + name, e);
        }
    }

    /** The folder named by {@code -Dtally.screenshots=DIR}, to refresh the README's screenshots; else none. */
    static Path documentationFolder() {
        String dir = System.getProperty("tally.screenshots");
        return dir == null || dir.isBlank() ? null : new File(dir).toPath();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
