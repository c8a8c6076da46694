"""(rule table under construction)"""
__all__ = []
