"""The web app people use: the Streamlit pages, their HTML pieces and the French page shell."""
