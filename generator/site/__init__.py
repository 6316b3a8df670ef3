"""The site's pages: views, charts, templates rendered in one locale."""
