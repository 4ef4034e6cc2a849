"""Persons (人员): who can hold posts. Personal data is stored whole and shown masked."""
