"""The edges users meet: the command line and the Streamlit web app."""
