"""diplofeed: news articles in, a live feed of diplomatic events out."""
