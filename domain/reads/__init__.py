"""Reads whose answer the database builds as JSON (for the API's compiled read path).

`jsonsql` renders values as JSON in SQL the way the API renders them in Python (global IDs,
cursors, timestamps, booleans) on PostgreSQL and SQLite; `levels` turns the domain's own
read statements (filters, reach predicates, keyset orders) into the nested SELECTs of one
statement. Nothing here knows GraphQL: the API maps a document onto these pieces.
"""
