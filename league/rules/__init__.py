"""Pure league rules: plain functions over plain data, no Django and no database."""
