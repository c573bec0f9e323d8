"""One spider per source; each module defines one SourceSpider subclass named for its source id."""
