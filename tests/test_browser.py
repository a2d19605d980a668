"""A real browser (Debian's chromium + chromium-driver through selenium) against a real `budgetdoc serve`.

An officer's round: upload a workbook with an error, read the findings table, upload the fixed one,
download the .docx and compare it byte for byte with `budgetdoc generate` of the same file. Every page
is photographed at 1366×768 (set BUDGETDOC_SCREENSHOTS=<folder> to keep the pictures).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner
from webserver import running_server

from generator.cli import app as cli

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good_small.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="chromium 或 chromium-driver 未安装（bash scripts/setup.sh 会用 apt-get install chromium chromium-driver 安装）",
)


def _browser(downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=zh-CN",
                 "--disable-dev-shm-usage", "--window-size=1366,768"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='budgetdoc-chromium-')}")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN,zh"})
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def _wait_for(driver, css: str, rounds: int = 600):
    from selenium.webdriver.common.by import By

    for _ in range(rounds):  # bounded: the page reloads itself while the server works
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{css} never appeared on {driver.current_url}")


def _downloaded(folder: Path, suffix: str) -> Path:
    for _ in range(300):
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded")


class Shots:
    def __init__(self, driver, folder: Path):
        self.driver, self.folder = driver, folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, anchor: str | None = None) -> Path:
        if anchor:
            self.driver.execute_script(f"document.querySelector('{anchor}').scrollIntoView()")
        path = self.folder / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


def _workbooks(tmp_path: Path) -> tuple[Path, Path, str]:
    """A filled workbook, and the same with 收入总计 wrong; returns the cell that was broken."""
    from openpyxl import load_workbook

    from generator.writing.fill_in import write_template

    fixed = tmp_path / "预算填报_改正.xlsx"
    write_template(fixed, GOOD)
    wb = load_workbook(fixed)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("收入"))
    cell = next(c for row in sheet.iter_rows() for c in row if c.value in (150, 150.0))
    cell.value = 170
    broken = tmp_path / "预算填报.xlsx"
    wb.save(broken)
    return broken, fixed, f"{sheet.title}!"


def test_officer_round_trip_in_a_real_browser(tmp_path: Path):
    from selenium.webdriver.common.by import By

    broken, fixed, sheet = _workbooks(tmp_path)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shots_dir = Path(os.environ.get("BUDGETDOC_SCREENSHOTS") or tmp_path / "screenshots")
    with running_server(tmp_path / "data") as (base, _):
        driver = _browser(downloads)
        shot = Shots(driver, shots_dir)
        try:
            driver.get(base + "/")
            assert "部门预算公开工作台" in driver.title
            shot("01-首页")
            driver.find_element(By.CSS_SELECTOR, "input[name=file]").send_keys(str(broken))
            driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
            rows = _wait_for(driver, "#findings tbody tr")
            texts = [r.text for r in rows]
            assert any("错误" in t and sheet in t for t in texts), texts
            assert texts[0].startswith("错误")
            assert driver.find_elements(By.ID, "download-docx") == []
            shot("02-校验结果")

            driver.find_element(By.CSS_SELECTOR, "input[name=file]").send_keys(str(fixed))
            driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
            link = _wait_for(driver, "#download-docx")[0]
            assert "全部勾稽关系校验通过" in driver.page_source
            shot("03-生成结果")
            link.click()
            got = _downloaded(downloads, ".docx")
            out = tmp_path / "cli"
            result = CliRunner().invoke(cli, ["generate", str(fixed), "-o", str(out)])
            assert result.exit_code == 0, result.output
            expected = next(out.glob("*.docx"))
            assert got.name == expected.name
            assert got.read_bytes() == expected.read_bytes()

            assert "与上一次上传相比" in driver.page_source  # the broken upload was the same department
            diff_rows = driver.find_elements(By.CSS_SELECTOR, "#diff table.changes tbody tr")
            assert any("170.00" in r.text and "150.00" in r.text for r in diff_rows)
            shot("04-修改对比", "#diff")
            _wait_for(driver, "#pages img")
            time.sleep(1)
            shot("05-逐页预览", "#pages")
            shot("06-预算表预览", "#tables")

            driver.get(base + "/bureau")
            shot("07-批量上传")
            archive = tmp_path / "各部门.zip"
            with zipfile.ZipFile(archive, "w") as z:
                z.writestr("甲局.yaml", GOOD.read_text(encoding="utf-8").replace("测试市示例局", "测试市甲局")
                           .replace('部门编码: "901"', '部门编码: "902"').replace('编码: "901001"', '编码: "902001"'))
                z.write(broken, "乙局.xlsx")
            driver.find_element(By.CSS_SELECTOR, "input[name=files]").send_keys(str(archive))
            driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
            _wait_for(driver, "#download-all")
            summary = driver.find_element(By.ID, "summary").text
            assert "测试市甲局" in summary and "已生成" in summary and "有错误" in summary
            shot("08-批量结果")

            driver.get(base + "/")
            bad = tmp_path / "说明.txt"
            bad.write_text("not a budget", encoding="utf-8")
            driver.find_element(By.CSS_SELECTOR, "input[name=file]").send_keys(str(bad))
            driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
            _wait_for(driver, "section.error")
            assert "不是可接受的文件" in driver.page_source
            shot("09-错误页")
        finally:
            driver.quit()
    assert len(list(shots_dir.glob("*.png"))) == 9
