"""marshmallow schemas of the JSON API: request bodies and queries in, resources out."""
