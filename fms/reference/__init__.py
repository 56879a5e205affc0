"""Reference data that every app reads (DESIGN §6): code tables of the LOA and, later, purchasers."""
