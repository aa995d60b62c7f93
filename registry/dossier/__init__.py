"""One institution as its page and API record show it, composed from every area's services."""
