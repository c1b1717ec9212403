#!/usr/bin/env python3
"""Runs the tagstore Django example (see README.md): python3 manage.py test"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tagdemo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
