package io.backupkit.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Acceptance 4: the admin page in a real headless Chromium. Sign in, create a backup and watch its progress and then its
 * row, upload a file, preview a restore (validate-only), restore after confirming, delete after confirming, filter the
 * history; names, notes and tags holding HTML stay text and run nothing; no console errors. Screenshots at desktop and
 * phone width go to target/screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminPageBrowserTest {
    static final Path DIR;
    static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();
    static final String XSS = "<img src=x onerror=\"window.__xss=1\">";

    static {
        try {
            DIR = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "shop-browser-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ShopProperties shop;
    ChromeDriver browser;
    WebDriverWait wait;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("shop.data-dir", DIR::toString);
        r.add("spring.security.user.password", () -> "admin-secret");
        r.add("backupkit.storage", () -> DIR.resolve("backups").toUri().toString());
    }

    @BeforeEach
    void openBrowser() throws IOException {
        browser = Browsers.start(DIR);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theBackupsTabWorksEndToEnd() throws Exception {
        Files.writeString(shop.uploads().resolve("product-2.img"), "milk jug picture");
        String base = "http://127.0.0.1:" + port;
        browser.get(base + "/backupkit/");
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("admin-secret");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/backupkit/"));
        awaitLoaded();

        // Create, with HTML in every free-text field; watch the progress, then the new row.
        new Select(browser.findElement(By.id("create-type"))).selectByValue("FULL");
        browser.findElement(By.id("create-name")).sendKeys("from the page");
        browser.findElement(By.id("create-notes")).sendKeys(XSS);
        browser.findElement(By.id("create-tags")).sendKeys("page, <b>bold</b>");
        browser.findElement(By.id("create-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("create-progress")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-status"), "Done."));
        WebElement created = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='backups']/tbody/tr[td[contains(., 'from the page')]]")));
        assertThat(created.getText()).contains("FULL").contains("<b>bold</b>");
        String id = created.getDomAttribute("data-id");
        created.findElement(By.xpath(".//button[text()='Details']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("details-list"), XSS));
        assertThat(browser.findElements(By.cssSelector("#details-list img, #backups img"))).isEmpty();
        screenshot("desktop-list");

        // Upload: a backup exported through the API, then deleted, comes back by the page's file input.
        Api api = new Api(port, "admin", "admin-secret");
        HttpResponse<String> other = api.post("/backupkit/api/backups", Map.of("type", "FILES", "name", "uploaded one",
                "notes", "<script>window.__xss=2</script>" + XSS, "tags", List.of("<i>t</i>")));
        String otherId = api.awaitJob(other.headers().firstValue("Location").orElseThrow()).get("backupId").asString();
        Path tar = DIR.resolve(otherId + ".tar");
        Files.write(tar, api.getBytes("/backupkit/api/backups/" + otherId + "/download").body());
        assertThat(api.delete("/backupkit/api/backups/" + otherId).statusCode()).isEqualTo(204);
        browser.findElement(By.id("upload-input")).sendKeys(tar.toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Uploaded backup " + otherId));
        row(otherId).findElement(By.xpath(".//button[text()='Details']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("details-list"), "<script>window.__xss=2</script>"));
        assertThat(browser.findElements(By.cssSelector("#details-list img, #details-list script, #backups i"))).isEmpty();
        assertThat(row(otherId).getText()).contains("<i>t</i>");

        // Data changes; the restore preview reports and changes nothing; the restore runs only after confirming.
        jdbc.sql("DELETE FROM order_items WHERE order_id = 1").update();
        Files.delete(shop.uploads().resolve("product-2.img"));
        row(id).findElement(By.xpath(".//button[text()='Restore']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore-dialog")));
        assertThat(browser.findElement(By.id("restore-run")).isEnabled()).isFalse();
        browser.findElement(By.id("restore-preview")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("restore-report"), "order_items"));
        assertThat(browser.findElement(By.id("restore-report")).getText()).contains("1 added");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM order_items").query(Long.class).single()).isEqualTo(3);
        assertThat(shop.uploads().resolve("product-2.img")).doesNotExist();
        screenshot("desktop-restore-preview");
        assertThat(browser.findElement(By.id("restore-run")).isEnabled()).isFalse();
        browser.findElement(By.id("restore-confirm")).click();
        browser.findElement(By.id("restore-run")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("restore-status"), "Restore complete"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM order_items").query(Long.class).single()).isEqualTo(5);
        assertThat(shop.uploads().resolve("product-2.img")).hasContent("milk jug picture");
        browser.findElement(By.id("restore-cancel")).click();

        // Delete, after confirming (cancel first: nothing happens).
        row(otherId).findElement(By.xpath(".//button[text()='Delete']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        browser.findElement(By.id("confirm-no")).click();
        assertThat(api.get("/backupkit/api/backups/" + otherId).statusCode()).isEqualTo(200);
        row(otherId).findElement(By.xpath(".//button[text()='Delete']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        browser.findElement(By.id("confirm-yes")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-id='" + otherId + "']"), 0));
        assertThat(api.get("/backupkit/api/backups/" + otherId).statusCode()).isEqualTo(404);

        // History filter.
        new Select(browser.findElement(By.id("history-operation"))).selectByVisibleText("DELETE");
        browser.findElement(By.cssSelector("#history-form button[type=submit]")).click();
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#history tbody tr"));
            return !rows.isEmpty() && rows.stream().allMatch(r -> r.findElements(By.tagName("td")).get(1).getText()
                    .equals("DELETE"));
        });
        assertThat(browser.findElement(By.cssSelector("#history tbody")).getText()).contains("admin");
        assertThat(browser.findElement(By.id("history-csv")).getDomAttribute("href")).contains("operation=DELETE");

        assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined")).isEqualTo(true);
        screenshot("desktop-history");
        browser.manage().window().setSize(new Dimension(390, 844));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Thread.sleep(300);
        screenshot("phone-top");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('list-title').scrollIntoView()");
        Thread.sleep(300);
        screenshot("phone-list");
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth > window.innerWidth + 1");
        assertThat(overflow).as("the page fits a phone's width (tables scroll inside their box)").isEqualTo(false);

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
        assertThat(errors).as("JavaScript console errors").isEmpty();
    }

    @Test
    void thePageIsKeyboardUsable() throws Exception {
        String base = "http://127.0.0.1:" + port;
        browser.get(base + "/login");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("admin-secret\n");
        browser.get(base + "/backupkit/");
        awaitLoaded();
        // Tab reaches the create form's fields and the drop zone; Enter on the form's button creates a backup.
        WebElement name = browser.findElement(By.id("create-name"));
        name.sendKeys("by keyboard");
        name.sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='backups']/tbody/tr[td[contains(., 'by keyboard')]]")));
        WebElement zone = browser.findElement(By.id("drop-zone"));
        assertThat(zone.getDomAttribute("tabindex")).isEqualTo("0");
        assertThat(browser.findElement(By.id("create-button")).getTagName()).isEqualTo("button");
    }

    /** The page has loaded: the health badge shows a verdict. */
    private void awaitLoaded() {
        wait.until(d -> !d.findElement(By.id("health")).getDomAttribute("class").equals("health"));
    }

    private WebElement row(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + id + "']")));
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
