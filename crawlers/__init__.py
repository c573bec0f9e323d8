"""Scrapy spiders, one per source, that feed the store of record; and the offline mirror they can crawl."""
