"""Scrapy settings built from the pipeline's Settings: polite on live sites, fast on the local mirror."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.settings import Settings as ScrapySettings

from pipeline.settings import Settings

LIVE_DOWNLOAD_DELAY = 2.0  # seconds between requests to one site; AutoThrottle may only raise it
LIVE_DOWNLOAD_TIMEOUT = 60
MIRROR_DOWNLOAD_TIMEOUT = 15


def is_local_mirror(mirror_url: str) -> bool:
    """True if the mirror runs on this machine (loopback), where politeness delays only slow tests down."""
    host = urlsplit(mirror_url).hostname if mirror_url else None
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def scrapy_settings(settings: Settings, *, progress: bool = False, log_level: str = "WARNING") -> ScrapySettings:
    """The Scrapy settings for a crawl into settings.data_dir, of the live sites or of settings.mirror_url."""
    return ScrapySettings(scrapy_setting_values(settings, progress=progress, log_level=log_level))


def scrapy_setting_values(settings: Settings, *, progress: bool = False, log_level: str = "WARNING") -> dict:
    """The values behind scrapy_settings, as a plain dict (also Scrapy's project settings module)."""
    local = is_local_mirror(settings.mirror_url)
    values = {
        "BOT_NAME": "syria-coi",
        "SPIDER_MODULES": ["crawlers.spiders"],
        "NEWSPIDER_MODULE": "crawlers.spiders",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_DELAY": 0 if local else LIVE_DOWNLOAD_DELAY,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 0 if local else 5.0,
        "AUTOTHROTTLE_MAX_DELAY": 1.0 if local else 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": MIRROR_DOWNLOAD_TIMEOUT if local else LIVE_DOWNLOAD_TIMEOUT,
        "DOWNLOAD_MAXSIZE": settings.max_body_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.max_body_bytes, 10 * 1024 * 1024),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        # No consoles listening on a port while we crawl (the remote control exists from Scrapy 2.19).
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": log_level.upper(),
        "LOGSTATS_INTERVAL": 0 if progress else 60.0,
        "DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.ConditionalRequestMiddleware": 580,
                                   "crawlers.middlewares.RedirectGuardMiddleware": 610},
        "SPIDER_MIDDLEWARES": {"crawlers.middlewares.ParseErrorMiddleware": 600},
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 300},
        # Our own settings, read by the components above in from_crawler.
        "COI_DATA_DIR": str(settings.data_dir),
        "COI_MIRROR_URL": settings.mirror_url,
        "COI_RELIEFWEB_APPNAME": settings.reliefweb_appname,
        "COI_PROGRESS": progress,
        "COI_CONDITIONAL_REQUESTS": True,
    }
    return values
