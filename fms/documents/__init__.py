"""LOA documents (DESIGN §4.3): versions of the offer, their pricing, acceptance, diff and print."""
