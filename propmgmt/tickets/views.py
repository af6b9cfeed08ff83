"""Ticket pages: filing, the queue, a ticket with its timeline and actions."""
from flask import Blueprint

bp = Blueprint("tickets", __name__)
